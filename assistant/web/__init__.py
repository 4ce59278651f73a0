"""The web channel: a phone-first Gradio app and an HTTP API on one FastAPI server.

Usage::

    from assistant.web.server import serve
    serve(Settings.from_env(), "127.0.0.1", 7860)
"""
