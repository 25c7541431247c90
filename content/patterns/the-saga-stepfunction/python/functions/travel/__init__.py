"""The four travel providers of the saga: each reserves and undoes its own booking."""
