"""Presentation, above the results and their statistics (nothing below imports it): plain names
(``labels``), numbers in words (``formats``, ``readings``), findings and caveats (``findings``), the
assumptions box (``assumptions``), the key numbers and councils' tables (``keytable``), what a
region of councils shows (``region``), figures sized for the page (``figures``, ``canvas``), the
HTML page from Jinja2 templates (``page``), its picture (``browser``), the report files
(``report``), terminal tables (``tables``, laid out by ``terminal``) and generated catalogues (``words``)."""
