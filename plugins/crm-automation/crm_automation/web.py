HANDLERS: tuple = ()
