"""The image service novalite resolves ``imageRef`` against."""
