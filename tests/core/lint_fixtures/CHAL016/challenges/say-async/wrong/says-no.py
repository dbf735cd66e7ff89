print("nah")
