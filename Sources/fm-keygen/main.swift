print("fm-keygen: not built yet")
