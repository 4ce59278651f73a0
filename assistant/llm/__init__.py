"""The optional LLM step: the user's own model (any OpenAI-compatible endpoint, through langchain-openai)
rewrites the extractive answer from the same provisions, and each sentence is verified before it is shown.

Modules: ``settings`` (the endpoint and thresholds), ``prompt`` and ``prompts/`` (versioned Chinese prompts),
``model`` (the chat model and a deadline), ``sentences`` (streamed sentence splitting), ``facts`` (numbers,
references, titles), ``verify`` (per-sentence checks), ``writer`` (generation and fallback), ``rewrite``
(optional query rewrite). Nothing here is imported unless ASSISTANT_LLM_BASE_URL is set.

Usage::

    answer = Assistant(Settings.from_env()).ask("单位让我冒险作业，我能拒绝吗？")
    answer.mode, answer.dropped  # "llm" or "extractive", the sentences removed and why
"""
