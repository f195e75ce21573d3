// Command mkico writes a Windows icon (.ico) from PNG files, for the
// version resource of mailwizard.exe and its installer.
//
//	mkico -o app.ico [-src icon.png] [-sizes 16,24,32,48,64,128,256] [icon-16.png ...]
//
// Each size is taken from a PNG given on the command line whose width is
// that size (a hand-drawn 16 px icon stays crisp), else scaled down from
// -src by averaging the pixels each target pixel covers. Every entry is
// stored as PNG, which Windows reads since Vista; the 256 px entry has to
// be (ICONDIRENTRY's width byte 0 means 256). It needs nothing beyond the
// standard library, so the packaging script can `go run` it.
//
// Format: ICONDIR (reserved 0, type 1, count), one 16-byte ICONDIRENTRY
// per image (width, height, colours 0, reserved 0, planes 1, bit count 32,
// bytes, offset), then the images. See "Icons" in the Win32 docs
// (learn.microsoft.com, "ICONDIR structure").
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	out := flag.String("o", "", "the .ico file to write")
	src := flag.String("src", "", "the PNG to scale down for sizes no file gives")
	sizeList := flag.String("sizes", "16,24,32,48,64,128,256", "the sizes the icon holds, in pixels")
	flag.Parse()
	if err := run(*out, *src, *sizeList, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "mkico:", err)
		os.Exit(1)
	}
}

func run(out, src, sizeList string, files []string) error {
	if out == "" {
		return errors.New("-o is required")
	}
	sizes, err := parseSizes(sizeList)
	if err != nil {
		return err
	}
	given := map[int]image.Image{} // width → image, from the files named
	for _, f := range files {
		img, err := readPNG(f)
		if err != nil {
			return err
		}
		b := img.Bounds()
		if b.Dx() != b.Dy() {
			return fmt.Errorf("%s: %dx%d is not square", f, b.Dx(), b.Dy())
		}
		given[b.Dx()] = img
	}
	var source image.Image
	if src != "" {
		if source, err = readPNG(src); err != nil {
			return err
		}
	}
	var images []image.Image
	for _, s := range sizes {
		img, ok := given[s]
		if !ok {
			if source == nil {
				return fmt.Errorf("no %d px PNG given and no -src to scale", s)
			}
			img = scaleDown(source, s)
		}
		images = append(images, img)
	}
	data, err := encodeICO(images)
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

func parseSizes(list string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 256 {
			return nil, fmt.Errorf("-sizes: %q is not a size from 1 to 256", f)
		}
		sizes = append(sizes, n)
	}
	sort.Ints(sizes)
	return sizes, nil
}

func readPNG(name string) (image.Image, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return img, nil
}

// scaleDown makes a size×size image by averaging, in premultiplied
// alpha, the source area each target pixel covers (a box filter with
// fractional edges), which keeps thin strokes visible where nearest
// neighbour would drop them. A source smaller than size is scaled up the
// same way (each target pixel then covers part of one source pixel).
func scaleDown(src image.Image, size int) image.Image {
	rgba := image.NewRGBA(src.Bounds())
	draw.Draw(rgba, rgba.Bounds(), src, src.Bounds().Min, draw.Src)
	sw, sh := rgba.Bounds().Dx(), rgba.Bounds().Dy()
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	fx, fy := float64(sw)/float64(size), float64(sh)/float64(size)
	for y := 0; y < size; y++ {
		y0, y1 := float64(y)*fy, float64(y+1)*fy
		for x := 0; x < size; x++ {
			x0, x1 := float64(x)*fx, float64(x+1)*fx
			var r, g, b, a, area float64
			for sy := int(y0); float64(sy) < y1 && sy < sh; sy++ {
				wy := overlap(y0, y1, sy)
				for sx := int(x0); float64(sx) < x1 && sx < sw; sx++ {
					w := wy * overlap(x0, x1, sx)
					p := rgba.RGBAAt(sx, sy) // premultiplied
					r += w * float64(p.R)
					g += w * float64(p.G)
					b += w * float64(p.B)
					a += w * float64(p.A)
					area += w
				}
			}
			if area == 0 || a == 0 {
				continue
			}
			// Back from premultiplied: colour = sum(c·α) / sum(α).
			dst.SetNRGBA(x, y, color.NRGBA{
				R: clamp(r / a * 255), G: clamp(g / a * 255), B: clamp(b / a * 255), A: clamp(a / area),
			})
		}
	}
	return dst
}

// overlap is how much of source pixel i (from i to i+1) lies in [lo, hi).
func overlap(lo, hi float64, i int) float64 {
	return max(0, min(hi, float64(i+1))-max(lo, float64(i)))
}

func clamp(v float64) uint8 {
	return uint8(min(255, max(0, v+0.5)))
}

// encodeICO stores each image as a PNG entry.
func encodeICO(images []image.Image) ([]byte, error) {
	type entry struct {
		w, h int
		data []byte
	}
	var entries []entry
	for _, img := range images {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return nil, err
		}
		b := img.Bounds()
		entries = append(entries, entry{b.Dx(), b.Dy(), buf.Bytes()})
	}
	var out bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&out, le, [3]uint16{0, 1, uint16(len(entries))})
	offset := 6 + 16*len(entries)
	for _, e := range entries {
		_ = binary.Write(&out, le, struct {
			W, H, Colours, Reserved uint8
			Planes, BitCount        uint16
			Bytes, Offset           uint32
		}{uint8(e.w % 256), uint8(e.h % 256), 0, 0, 1, 32, uint32(len(e.data)), uint32(offset)})
		offset += len(e.data)
	}
	for _, e := range entries {
		out.Write(e.data)
	}
	return out.Bytes(), nil
}
