package artifact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decodeTemplate reads a template as a node tree, so that the packaged one
// keeps what a map would lose: key order, comments, short-form tags (!Ref,
// !Sub, !GetAtt). JSON is read with encoding/json into the same nodes,
// since not every JSON document is YAML yaml.v3 accepts (tabs).
func decodeTemplate(src []byte) (root *yaml.Node, isJSON bool, err error) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		n, err := jsonNode(dec)
		if err != nil {
			return nil, true, err
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, true, fmt.Errorf("trailing data after the JSON object")
		}
		return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}, true, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, false, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, false, fmt.Errorf("a template is one YAML mapping")
	}
	return &doc, false, nil
}

func jsonNode(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		kind, end := yaml.MappingNode, json.Delim('}')
		if t == '[' {
			kind, end = yaml.SequenceNode, json.Delim(']')
		}
		n := &yaml.Node{Kind: kind, Tag: "!!map"}
		if kind == yaml.SequenceNode {
			n.Tag = "!!seq"
		}
		for dec.More() {
			if kind == yaml.MappingNode {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, strNode(fmt.Sprint(k)))
			}
			v, err := jsonNode(dec)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, v)
		}
		if tok, err := dec.Token(); err != nil || tok != end {
			return nil, fmt.Errorf("unbalanced JSON: %v", err)
		}
		return n, nil
	case string:
		return strNode(t), nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(t.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String()}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(t)}, nil
	default:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
}

func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// encodeTemplate writes the tree back in the input's format. YAML goes
// through yaml.v3's emitter, which keeps comments, tags, key order and
// quoting styles but not blank lines or the original indentation of
// sequences, and may move a comment that sat between a key and its value.
func encodeTemplate(root *yaml.Node, isJSON bool, original []byte) ([]byte, error) {
	var buf bytes.Buffer
	if isJSON {
		writeJSON(&buf, root.Content[0], jsonIndent(original), "")
		buf.WriteByte('\n')
		return buf.Bytes(), nil
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(yamlIndent(original))
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeJSON(buf *bytes.Buffer, n *yaml.Node, indent, prefix string) {
	inner := prefix + indent
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		open, close, step := "{", "}", 2
		if n.Kind == yaml.SequenceNode {
			open, close, step = "[", "]", 1
		}
		if len(n.Content) == 0 {
			buf.WriteString(open + close)
			return
		}
		buf.WriteString(open)
		for i := 0; i < len(n.Content); i += step {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString("\n" + inner)
			if step == 2 {
				writeString(buf, n.Content[i].Value)
				buf.WriteString(": ")
			}
			writeJSON(buf, n.Content[i+step-1], indent, inner)
		}
		buf.WriteString("\n" + prefix + close)
	default:
		switch n.Tag {
		case "!!int", "!!float", "!!bool", "!!null":
			buf.WriteString(n.Value)
		default:
			writeString(buf, n.Value)
		}
	}
}

func writeString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	buf.Truncate(buf.Len() - 1)
}

// jsonIndent is the whitespace before the first indented line, so a
// template indented with four spaces or a tab keeps it.
func jsonIndent(src []byte) string {
	for _, line := range strings.Split(string(src), "\n")[1:] {
		if ws := line[:len(line)-len(strings.TrimLeft(line, " \t"))]; ws != "" {
			return ws
		}
	}
	return "  "
}

// yamlIndent is the smallest indentation of a mapping key in the input.
func yamlIndent(src []byte) int {
	best := 0
	for _, line := range strings.Split(string(src), "\n") {
		trimmed := strings.TrimLeft(line, " ")
		n := len(line) - len(trimmed)
		if n == 0 || trimmed == "" || trimmed[0] == '#' || trimmed[0] == '-' {
			continue
		}
		if best == 0 || n < best {
			best = n
		}
	}
	if best < 2 {
		return 2
	}
	return best
}
