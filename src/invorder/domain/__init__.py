"""The domain layer: values, events and pure decisions. It imports nothing else of ours."""
