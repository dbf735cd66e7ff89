"""async-guru: a chat bot that teaches asynchronous Python, itself one non-blocking process."""
