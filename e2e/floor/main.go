// Command floor is go-app's own hello world, built with the same go-app and
// toolchain as imdesk: the floor for how fast any go-app page can start.
// `make bench` builds it and measures imdesk against it side by side.
//
// Like imdesk it serves app.wasm brotli-compressed when the browser takes
// it (go-app's handler does not compress), so the comparison is about the
// apps, not the serving; and it marks <html data-imdesk="ready"> once
// mounted, the marker the benchmark waits for on both.
package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

type hello struct{ app.Compo }

func (h *hello) OnMount(ctx app.Context) {
	app.Window().Get("document").Get("documentElement").Call("setAttribute", "data-imdesk", "ready")
}

func (h *hello) Render() app.UI { return app.H1().Text("Hello World!") }

func main() {
	app.Route("/", func() app.Composer { return &hello{} })
	app.RunWhenOnBrowser()
	serve() // server.go; never reached in the browser
}
