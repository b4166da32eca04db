// Package stock checks stock availability over gRPC.
package stock

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// Client dials the stock service for every call and never closes the
// connection: each call leaves the channel's goroutines (resolver, balancer,
// transport reader, keepalive and writer loops) behind.
type Client struct {
	Addr string
}

// Check asks whether the stock service is serving.
func (c *Client) Check(ctx context.Context) (bool, error) {
	conn, err := grpc.Dial(c.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "stock"})
	if err != nil {
		return false, err
	}
	return resp.Status == healthpb.HealthCheckResponse_SERVING, nil
}
