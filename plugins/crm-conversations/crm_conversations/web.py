HANDLERS: list = []
