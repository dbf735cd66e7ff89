print("no ok")
