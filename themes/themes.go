// Package themes embeds the default theme, so the wegweiser binary alone
// builds a site. A site overrides any file of it by putting a file with the
// same path below its own themes/default/ directory.
//
// Layout of a theme:
//
//	templates/*.html   html/template files; base.html defines the layout
//	assets/*           CSS, JavaScript and images, published fingerprinted
//	i18n/<lang>.yaml   interface strings per language
package themes

import (
	"embed"
	"io/fs"
)

//go:embed all:default
var files embed.FS

// Default returns the default theme's files.
func Default() fs.FS {
	sub, err := fs.Sub(files, "default")
	if err != nil {
		panic(err) // the embedded directory exists: cannot fail
	}
	return sub
}
