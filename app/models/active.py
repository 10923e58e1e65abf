"""The models a home uses now: the active chat and embed models, ready to load lazily."""

from __future__ import annotations

from amber.config import Config
from amber.models.chat import ChatModel, ChatModelInfo
from amber.models.embedder import Embedder, EmbedModel
from amber.models.registry import active_model
from amber.models.runtime import ModelError, RuntimeSettings


def runtime_settings(config: Config) -> RuntimeSettings:
    settings = config.models
    if settings.problem:
        raise ModelError(settings.problem)
    return RuntimeSettings(threads=settings.threads, gpu_layers=settings.gpu_layers)


def embedder_for(config: Config) -> Embedder | None:
    model = active_model(config, "embed")
    if model is None:
        return None
    info = EmbedModel(model.name, model.file, model.query_prefix, model.document_prefix)
    return Embedder(info, runtime_settings(config))


def chat_model_for(config: Config) -> ChatModel | None:
    model = active_model(config, "chat")
    if model is None:
        return None
    return ChatModel(ChatModelInfo(model.name, model.file), runtime_settings(config))
