"""The HTML pages: one blueprint per area, each parsing a request, calling the domain, rendering.
May import every domain package; nothing below imports web (the API uses its runtime only)."""
