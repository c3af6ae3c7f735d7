"""Court cases, hearings, warrants, incidents, the dashboards, and the list of leaders and facilitators."""
