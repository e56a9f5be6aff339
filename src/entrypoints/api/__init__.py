"""The FastAPI adapter: app factory, mountable routers, schemas, error shape, guards, admin page."""
