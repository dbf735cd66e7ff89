import time
print(f"slept {time.sleep(0) or 0}")
