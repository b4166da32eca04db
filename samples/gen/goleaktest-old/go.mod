module example.com/shop/goleaktest

go 1.26

require go.uber.org/goleak v1.1.12
