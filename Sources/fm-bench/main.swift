print("fm-bench: not built yet")
