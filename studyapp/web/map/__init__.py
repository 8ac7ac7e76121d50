"""The knowledge map pages: a deck drawn as a tree, each concept coloured by its mastery.

``blueprint`` has the routes (parse the request, call the domain, render);
``folding`` reads the URL's state and decides which branches are folded;
``node_views`` is what the SVG draws for each concept; ``panel`` is one
concept's detail panel. The tree itself comes from :mod:`studyapp.map`.
"""
