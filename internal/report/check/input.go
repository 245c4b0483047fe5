package check

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/weijian-health/weijian"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// MaxInput is the largest report accepted, in bytes. Work summaries are
// tens of kilobytes; a DOCX with pictures a few megabytes.
const MaxInput = 20 << 20

// maxDocumentXML caps the unpacked word/document.xml of a DOCX (a zip
// bomb must not fill the memory).
const maxDocumentXML = 64 << 20

// Input is a report decoded to text.
type Input struct {
	Text     string
	Encoding string // UTF-8, UTF-16, GB18030 (GBK), or DOCX
}

// ErrTooLarge is returned (wrapped in a *weijian.Error) for an input over MaxInput.
var ErrTooLarge = errors.New("report too large")

// TooLarge is the error for an input of size bytes (negative when the
// size is not known, as for an upload cut off at the limit).
func TooLarge(size int64) error {
	msg := weijian.T(fmt.Sprintf("文件过大：报告核查最多接受 %d MB", MaxInput>>20),
		fmt.Sprintf("the file is too large: the checker accepts at most %d MB", MaxInput>>20))
	if size >= 0 {
		mb := float64(size) / (1 << 20)
		msg = weijian.T(fmt.Sprintf("文件过大（%.1f MB），报告核查最多接受 %d MB", mb, MaxInput>>20),
			fmt.Sprintf("the file is too large (%.1f MB); the checker accepts at most %d MB", mb, MaxInput>>20))
	}
	return &weijian.Error{Kind: weijian.KindInvalid, Err: ErrTooLarge, Msg: msg}
}

func invalid(zh, en string) error {
	return weijian.Invalid(weijian.T(zh, en))
}

// Decode turns the bytes of a report into text: a DOCX (by name or by its
// zip signature) is read from word/document.xml, one line per paragraph;
// other files are text in UTF-8 (with or without BOM), UTF-16 with BOM,
// or GBK/GB18030, detected in that order. Empty, oversized and binary
// input is refused with a clear error.
func Decode(b []byte, name string) (*Input, error) {
	if len(b) > MaxInput {
		return nil, TooLarge(int64(len(b)))
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, invalid("文件为空，没有可核查的文字", "the file is empty: there is no text to check")
	}
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".docx" || bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return decodeDOCX(b)
	}
	if ext == ".doc" || bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return nil, invalid("不支持旧版 Word（.doc）文件，请另存为 .docx 或纯文本", "old Word (.doc) files are not supported; save as .docx or plain text")
	}
	text, enc, err := decodeText(b)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, invalid("文件为空，没有可核查的文字", "the file is empty: there is no text to check")
	}
	return &Input{Text: text, Encoding: enc}, nil
}

func decodeText(b []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		s, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
		if err != nil {
			return "", "", invalid("UTF-16 文本无法解码", "the UTF-16 text cannot be decoded")
		}
		return normalizeText(string(s)), "UTF-16", binaryCheck(string(s))
	}
	if utf8.Valid(b) {
		s := string(b)
		return normalizeText(s), "UTF-8", binaryCheck(s)
	}
	s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil || !utf8.Valid(s) {
		return "", "", invalid("无法识别文件编码：既不是 UTF-8 也不是 GBK", "unknown encoding: the file is neither UTF-8 nor GBK")
	}
	if err := binaryCheck(string(s)); err != nil {
		return "", "", err
	}
	return normalizeText(string(s)), "GBK", nil
}

// binaryCheck refuses text with NUL bytes or many control characters:
// binary junk decodes as "GBK" more often than not.
func binaryCheck(s string) error {
	ctl, n := 0, 0
	for _, r := range s {
		n++
		if r == 0 || r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == utf8.RuneError || r >= 0xE000 && r <= 0xF8FF {
			ctl++
		}
	}
	if strings.IndexByte(s, 0) >= 0 || n > 0 && ctl*20 > n {
		return invalid("文件不是文本（含二进制数据），请上传 txt、md 或 docx", "the file is not text (it holds binary data); upload txt, md or docx")
	}
	return nil
}

// normalizeText turns CRLF and CR line ends into LF.
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// decodeDOCX reads the paragraphs of word/document.xml.
func decodeDOCX(b []byte) (*Input, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, invalid("文件不是有效的 DOCX（不是 ZIP 压缩包），请用 Word 另存为 .docx 后重试",
			"the file is not a valid DOCX (not a zip archive); save it as .docx from Word and try again")
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, invalid("DOCX 中的正文（word/document.xml）无法读取", "the body of the DOCX (word/document.xml) cannot be read")
		}
		defer rc.Close()
		text, err := documentText(io.LimitReader(rc, maxDocumentXML))
		if err != nil {
			return nil, invalid("DOCX 正文不是有效的 XML："+err.Error(), "the DOCX body is not valid XML: "+err.Error())
		}
		if strings.TrimSpace(text) == "" {
			return nil, invalid("DOCX 中没有文字", "the DOCX holds no text")
		}
		return &Input{Text: text, Encoding: "DOCX"}, nil
	}
	return nil, invalid("DOCX 中缺少正文（word/document.xml）", "the DOCX has no body (word/document.xml)")
}

// documentText collects w:t runs, w:tab and w:br, one line per w:p.
func documentText(r io.Reader) (string, error) {
	dec := xml.NewDecoder(r)
	var b strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return strings.TrimRight(b.String(), "\n"), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				b.WriteByte('\n')
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
}
