-- Temporal's own databases live beside the case database on the same server (auto-setup creates
-- their schemas). Separate databases keep case data and workflow data apart.
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
