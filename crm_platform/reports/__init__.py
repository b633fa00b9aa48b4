"""Reports and dashboards: questions over records drawn as charts, from the core and from
plugins (``crm_reports``), counted only over what the viewer may see.

``registry`` finds the enabled reports, ``query`` reads a report's filters, ``scope`` turns a
query into the visibility conditions every report applies, ``running`` runs one and writes
its result as JSON or CSV, ``builtin`` holds the core's own reports, ``charts`` lays out
the page's SVG, ``dashboards`` and ``schedules`` keep what users saved.
"""
