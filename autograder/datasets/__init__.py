"""Data sets for the course: MNIST, its shipped sample, and loaders (lecture 5)."""
