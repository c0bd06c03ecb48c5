"""The store's logic, written once over the database port, one module per concern."""
