print("gridwatch")
