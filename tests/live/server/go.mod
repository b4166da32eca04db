module gtriage.test/liveserver

go 1.19
