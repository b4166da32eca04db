// Package render lays out nested page templates.
package render

// Node is one template node.
type Node struct {
	Name     string
	Children []*Node
}

// Chain builds a degenerate template nested depth levels deep.
func Chain(depth int) *Node {
	root := &Node{Name: "root"}
	n := root
	for i := 0; i < depth; i++ {
		c := &Node{Name: "block"}
		n.Children = append(n.Children, c)
		n = c
	}
	return root
}

// Engine lays out nodes; the innermost node waits for its font to load.
type Engine struct {
	fonts chan string
}

// NewEngine returns an engine whose font loader never answers.
func NewEngine() *Engine { return &Engine{fonts: make(chan string)} }

// LayoutAsync lays out root on its own goroutine.
func (e *Engine) LayoutAsync(root *Node) {
	go e.layout(root, 0)
}

func (e *Engine) layout(n *Node, depth int) int {
	if len(n.Children) == 0 {
		return e.measure(n)
	}
	w := 0
	for _, c := range n.Children {
		w += e.layout(c, depth+1)
	}
	return w
}

func (e *Engine) measure(n *Node) int {
	font := <-e.fonts
	return len(font) + len(n.Name)
}
