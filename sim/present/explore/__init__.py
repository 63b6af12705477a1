"""``swsim explore``: a local web app (Streamlit) over result folders.

``folders`` finds and checks the result sets it opens, ``pages`` builds each page's tables and
figures, ``form`` turns a policy's parameter schema into the "Run a variant" form and runs it,
``launch`` starts the server for the command line, and ``app`` is the Streamlit script that puts
them on screen. Everything but ``app`` is plain Python, tested without a browser.
"""
