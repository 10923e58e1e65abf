"""`amber mcp`: Amber's memory for coding agents over the Model Context Protocol (stdio).

server.py builds the server and its lifespan, tools_read.py and tools_write.py hold the
tools, scope.py decides what an agent sees, results.py shapes what it gets back (with
provenance and trust), install.py writes MCP client configs.
"""
