"""HTML views of the graph: pages as plain records (model), the site builder and the renderer."""
