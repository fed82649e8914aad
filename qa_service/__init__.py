"""qa_service: answers people — HTTP API, WeChat endpoint, web pages and the kepu CLI."""
