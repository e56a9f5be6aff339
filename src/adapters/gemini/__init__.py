"""Gemini (google-genai): the tagger, the embedder and the client settings they share."""
