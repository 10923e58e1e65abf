"""Local GGUF models: the manifest of recommended ones, the registry of installed ones,
the downloader (`amber models pull`), and the llama.cpp runtime that loads them lazily.

No model is needed for the core: without one Amber runs in zero-LLM mode.
"""
