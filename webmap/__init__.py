"""HTTP face of Peta Ekonomi: pages and API blueprints."""
