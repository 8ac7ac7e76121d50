"""The knowledge map pages: a deck drawn as a tree, each concept coloured by its mastery.

``blueprint`` has the routes.
"""
