"""The six products: the fields each one takes on create and how they are validated."""

# Product-specific keys that may appear on a service, across all products.
PRODUCT_FIELDS: tuple[str, ...] = ()
