package stages

// Deep stacks: distinct recursive functions that descend about 50 frames
// before they block.

// WalkTree descends a category tree, then waits for a message.
func WalkTree(depth int) int {
	if depth == 0 {
		return Inbox{}.Receive()
	}
	return WalkTree(depth-1) + 1
}

// ParseExpr, parseTerm and parseFactor form a recursive-descent parser that
// waits for the ledger lock at the bottom.
func ParseExpr(depth int) int {
	if depth == 0 {
		Ledger{}.Append()
		return 0
	}
	return parseTerm(depth-1) + 1
}

func parseTerm(depth int) int {
	if depth == 0 {
		Ledger{}.Append()
		return 0
	}
	return parseFactor(depth-1) + 1
}

func parseFactor(depth int) int {
	if depth == 0 {
		Ledger{}.Append()
		return 0
	}
	return ParseExpr(depth-1) + 1
}

// ResolveDeps resolves a dependency chain and polls at the bottom.
func ResolveDeps(depth int) int {
	if depth == 0 {
		return Poller{}.Poll()
	}
	return ResolveDeps(depth-1) + 1
}

// Render renders nested templates and waits for the batch at the bottom.
func Render(depth int) int {
	if depth == 0 {
		Batch{}.Await()
		return 0
	}
	return Render(depth-1) + 1
}

// Unmarshal decodes nested documents and publishes at the bottom.
func Unmarshal(depth int) int {
	if depth == 0 {
		Outbox{}.Publish(depth)
		return 0
	}
	return Unmarshal(depth-1) + 1
}

// Evaluate evaluates a nested rule and sleeps at the bottom.
func Evaluate(depth int) int {
	if depth == 0 {
		Retrier{}.Backoff()
		return 0
	}
	return Evaluate(depth-1) + 1
}
