"""The school self-review: the rating form and the heads' explorer."""
