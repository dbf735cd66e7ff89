def program(h, run)
    pass
