"""An HTTP service: GET /health and GET /hello."""
