"""The one service layer that HTML views and the JSON API both call.

It orchestrates: it loads the catalog, calls `quizsvc.quiz` to generate and grade variants, and
reads and writes `quizsvc.progress` models. It holds no grading or simulation logic, and it never
builds an HTTP response, so a page and an API route that do the same thing cannot drift apart.
Services run inside a Flask app context (they use the request's database session).
"""
