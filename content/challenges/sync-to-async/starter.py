import time

def brew(drink):
    time.sleep(0.3)  # waiting for the kettle
    return drink + " ready"

def main():
    orders = [brew(d) for d in ["chai", "coffee", "kahwa"]]
    print(orders)

main()
