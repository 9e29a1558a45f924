package timmock

import (
	"maps"
	"strings"
	"testing"
	"time"
)

func TestAttributeHappyPaths(t *testing.T) {
	e := newEnv(t)
	g := "@TGS#public1"
	if got := e.attrs(g); !maps.Equal(got, map[string]string{"topic": "hello"}) {
		t.Fatalf("seeded attributes: %v", got)
	}
	e.mustOK(modifyAttr, map[string]any{"GroupId": g, "GroupAttr": kv("topic", "bye", "new", "1")})
	if got := e.attrs(g); !maps.Equal(got, map[string]string{"topic": "bye", "new": "1"}) {
		t.Fatalf("after modify (upsert): %v", got)
	}
	e.clock.Advance(time.Second)
	e.mustOK(setAttr, map[string]any{"GroupId": g, "GroupAttr": kv("only", "this")})
	if got := e.attrs(g); !maps.Equal(got, map[string]string{"only": "this"}) {
		t.Fatalf("after set (replace all): %v", got)
	}
	e.mustOK(modifyAttr, map[string]any{"GroupId": g, "GroupAttr": kv("a", "1", "b", "2")})
	e.mustOK(deleteAttr, map[string]any{"GroupId": g, "GroupAttr": []map[string]string{{"key": "a"}, {"key": "only"}}})
	if got := e.attrs(g); !maps.Equal(got, map[string]string{"b": "2"}) {
		t.Fatalf("after delete: %v", got)
	}
	e.mustOK(clearAttr, map[string]any{"GroupId": g})
	out := e.mustOK(getAttr, map[string]any{"GroupId": g})
	if list, ok := out["GroupAttrAry"].([]any); !ok || len(list) != 0 {
		t.Fatalf("a group without attributes answers GroupAttrAry [] (chosen); got %#v", out["GroupAttrAry"])
	}
}

// Keys come back in the order they were first set.
func TestAttributeOrder(t *testing.T) {
	e := newEnv(t)
	g := "@TGS#work1"
	e.mustOK(modifyAttr, map[string]any{"GroupId": g, "GroupAttr": kv("z", "1", "a", "2", "m", "3")})
	e.mustOK(modifyAttr, map[string]any{"GroupId": g, "GroupAttr": kv("a", "changed", "b", "4")})
	out := e.mustOK(getAttr, map[string]any{"GroupId": g})
	var keys []string
	for _, it := range out["GroupAttrAry"].([]any) {
		keys = append(keys, it.(map[string]any)["key"].(string))
	}
	if strings.Join(keys, ",") != "z,a,m,b" {
		t.Fatalf("order %v", keys)
	}
}

// Every type supports get/modify/set/delete; clear is refused for Community.
func TestAttributeTypeMatrix(t *testing.T) {
	e := newEnv(t)
	for _, g := range []string{"@TGS#_community1", "@TGS#public1", "@TGS#work1", "@TGS#meeting1", "@TGS#av1", "@TGS#private1", "@TGS#chat1"} {
		e.mustOK(modifyAttr, map[string]any{"GroupId": g, "GroupAttr": kv("k", "v")})
		e.mustOK(setAttr, map[string]any{"GroupId": g, "GroupAttr": kv("k", "v2", "x", "y")})
		e.mustOK(deleteAttr, map[string]any{"GroupId": g, "GroupAttr": []map[string]string{{"key": "x"}}})
		e.mustOK(getAttr, map[string]any{"GroupId": g})
		if g == "@TGS#_community1" {
			e.wantCode(clearAttr, map[string]any{"GroupId": g}, 10007)
			if got := e.attrs(g); got["k"] != "v2" {
				t.Fatalf("a refused clear changed the attributes: %v", got)
			}
		} else {
			e.mustOK(clearAttr, map[string]any{"GroupId": g})
		}
	}
}

// Each limit on both sides of its boundary; limits count UTF-8 bytes.
func TestAttributeLimits(t *testing.T) {
	han := "字" // 3 bytes
	for _, c := range []struct {
		name  string
		cmd   string
		start map[string]string // attributes set first
		items []map[string]string
		want  int
	}{
		{"key 32 bytes", modifyAttr, nil, kv(strings.Repeat("k", 32), "v"), 0},
		{"key 33 bytes", modifyAttr, nil, kv(strings.Repeat("k", 33), "v"), 10045},
		{"key 10 Chinese characters = 30 bytes", modifyAttr, nil, kv(strings.Repeat(han, 10), "v"), 0},
		{"key 11 Chinese characters = 33 bytes", modifyAttr, nil, kv(strings.Repeat(han, 11), "v"), 10045},
		{"value 4000 bytes", modifyAttr, nil, kv("k", strings.Repeat("v", 4000)), 0},
		{"value 4001 bytes", modifyAttr, nil, kv("k", strings.Repeat("v", 4001)), 10046},
		{"value 1334 Chinese characters = 4002 bytes", setAttr, nil, kv("k", strings.Repeat(han, 1334)), 10046},
		{"set: value 4001 bytes", setAttr, nil, kv("k", strings.Repeat("v", 4001)), 10046},
		{"set: key 33 bytes", setAttr, nil, kv(strings.Repeat("k", 33), "v"), 10045},
		{"delete: key 33 bytes", deleteAttr, nil, []map[string]string{{"key": strings.Repeat("k", 33)}}, 10045},
		{"16 keys in the resulting set", modifyAttr, keysN(15), kv("new", "v"), 0},
		{"17 keys in the resulting set", modifyAttr, keysN(15), kv("new", "v", "new2", "v"), 10047},
		{"overwriting keeps the count", modifyAttr, keysN(16), kv("k00", "changed"), 0},
		{"set: 16 keys", setAttr, keysN(16), kvN(16, "v"), 0},
		{"set: 17 keys", setAttr, nil, kvN(17, "v"), 10047},
		{"values total 16000 bytes", modifyAttr, map[string]string{"a": strings.Repeat("x", 4000), "b": strings.Repeat("x", 4000), "c": strings.Repeat("x", 4000)}, kv("d", strings.Repeat("x", 4000)), 0},
		{"values total 16001 bytes", modifyAttr, map[string]string{"a": strings.Repeat("x", 4000), "b": strings.Repeat("x", 4000), "c": strings.Repeat("x", 4000), "e": "y"}, kv("d", strings.Repeat("x", 4000)), 10048},
		{"set: values total 16001 bytes", setAttr, nil, kv("a", strings.Repeat("x", 4000), "b", strings.Repeat("x", 4000), "c", strings.Repeat("x", 4000), "d", strings.Repeat("x", 4000), "e", "y"), 10048},
		{"delete a key that does not exist", deleteAttr, map[string]string{"a": "1"}, []map[string]string{{"key": "a"}, {"key": "nope"}}, 10050},
		{"empty GroupAttr", modifyAttr, nil, []map[string]string{}, 10004},
		{"empty key", modifyAttr, nil, kv("", "v"), 10004},
		{"same key twice", modifyAttr, nil, kv("k", "1", "k", "2"), 10004},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			g := "@TGS#work1"
			if c.start != nil {
				var items []map[string]string
				for k, v := range c.start {
					items = append(items, map[string]string{"key": k, "value": v})
				}
				e.mustOK(setAttr, map[string]any{"GroupId": g, "GroupAttr": items})
				e.clock.Advance(time.Second)
			}
			before := e.attrs(g)
			e.wantCode(c.cmd, map[string]any{"GroupId": g, "GroupAttr": c.items}, c.want)
			if after := e.attrs(g); c.want != 0 && !maps.Equal(before, after) {
				t.Fatalf("a refused write changed the attributes: %v → %v", before, after)
			}
		})
	}
}

func keysN(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m["k"+string(rune('0'+i/10))+string(rune('0'+i%10))] = "v"
	}
	return m
}

func kvN(n int, v string) []map[string]string {
	var out []map[string]string
	for k := range keysN(n) {
		out = append(out, map[string]string{"key": k, "value": v})
	}
	return out
}

func TestGroupLookupErrors(t *testing.T) {
	e := newEnv(t)
	for _, cmd := range []string{getAttr, modifyAttr, setAttr, deleteAttr, clearAttr} {
		body := func(id string) map[string]any {
			return map[string]any{"GroupId": id, "GroupAttr": kv("k", "v")}
		}
		e.wantCode(cmd, body("@TGS#doesnotexist"), 10010)
		e.wantCode(cmd, body(""), 10015)
		e.wantCode(cmd, body("has space"), 10015)
		e.wantCode(cmd, body(strings.Repeat("x", 49)), 10015)
	}
}

// At most 5 writes per second per group, shared by modify, set, delete and
// clear, counted per group.
func TestAttributeWriteRate(t *testing.T) {
	e := newEnv(t)
	g := "@TGS#public1"
	e.mustOK(modifyAttr, map[string]any{"GroupId": g, "GroupAttr": kv("a", "1")})
	e.mustOK(setAttr, map[string]any{"GroupId": g, "GroupAttr": kv("a", "2", "b", "1")})
	e.mustOK(deleteAttr, map[string]any{"GroupId": g, "GroupAttr": []map[string]string{{"key": "b"}}})
	e.mustOK(clearAttr, map[string]any{"GroupId": g})
	e.wantCode(deleteAttr, map[string]any{"GroupId": g, "GroupAttr": []map[string]string{{"key": "gone"}}}, 10050) // counts too
	e.wantCode(modifyAttr, map[string]any{"GroupId": g, "GroupAttr": kv("a", "3")}, 10049)
	e.wantCode(clearAttr, map[string]any{"GroupId": g}, 10049)
	// Reads are not writes, and another group has its own budget.
	e.mustOK(getAttr, map[string]any{"GroupId": g})
	e.mustOK(modifyAttr, map[string]any{"GroupId": "@TGS#work1", "GroupAttr": kv("a", "1")})
	e.clock.Advance(time.Second)
	e.mustOK(modifyAttr, map[string]any{"GroupId": g, "GroupAttr": kv("a", "3")})
}
