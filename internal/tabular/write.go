package tabular

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet is one worksheet to write: a header and rows of cells. Cells are
// strings (written as text, so an NIP or account keeps every digit and no
// formula can run from them), int64/int (numbers: money, counts),
// BasisPoints (a share, written as a percentage number) or nil.
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]any
	// Lists gives a column (by index) a drop-down of its fixed values over
	// the rows people will fill in (a template).
	Lists map[int][]string
	// Notes are lines written above the header (a title, a period).
	Notes []string
	// Template formats the empty rows below as text too, for people to fill.
	Template bool
}

// BasisPoints is a share in hundredths of a percent (1250 is 12.5%); it is
// written as a number cell formatted as a percentage.
type BasisPoints int

// templateRows is how many rows a template's text format and drop-downs cover.
const templateRows = 2000

// WriteXLSX writes sheets as one workbook. String cells are text ("@"), and
// so are the empty rows below a short sheet (a template), so an NIP typed
// there later keeps its 18 digits.
func WriteXLSX(sheets ...Sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return nil, fmt.Errorf("tabular: style: %w", err)
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, fmt.Errorf("tabular: style: %w", err)
	}
	numStyle, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		return nil, fmt.Errorf("tabular: style: %w", err)
	}
	pctStyle, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return nil, fmt.Errorf("tabular: style: %w", err)
	}
	cellName := func(col, row int) string {
		s, _ := excelize.CoordinatesToCellName(col, row)
		return s
	}
	for si, sh := range sheets {
		name := sh.Name
		if name == "" {
			name = fmt.Sprintf("Lembar%d", si+1)
		}
		if si == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		// A template's columns are text (a NIP stays 18 digits, a date
		// stays as typed) as a column format, so every row typed later
		// has it, without a styled empty cell per row. Set before any
		// cell: excelize restyles a column's existing cells.
		if sh.Template && len(sh.Header) > 0 {
			last, _ := excelize.ColumnNumberToName(len(sh.Header))
			if err := f.SetColStyle(name, "A:"+last, textStyle); err != nil {
				return nil, err
			}
		}
		row := 1
		for _, n := range sh.Notes {
			if err := f.SetCellStr(name, cellName(1, row), n); err != nil {
				return nil, err
			}
			row++
		}
		headerRow := row
		for i, h := range sh.Header {
			if err := f.SetCellStr(name, cellName(i+1, row), h); err != nil {
				return nil, err
			}
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(name, col, col, float64(max(12, min(40, len(h)+4)))); err != nil {
				return nil, err
			}
		}
		if len(sh.Header) > 0 {
			if err := f.SetCellStyle(name, cellName(1, row), cellName(len(sh.Header), row), headStyle); err != nil {
				return nil, err
			}
		}
		row++
		template := sh.Template
		for _, r := range sh.Rows {
			for i, c := range r {
				axis := cellName(i+1, row)
				switch v := c.(type) {
				case nil:
				case string:
					if err := f.SetCellStr(name, axis, v); err != nil {
						return nil, err
					}
					if !template {
						if err := f.SetCellStyle(name, axis, axis, textStyle); err != nil {
							return nil, err
						}
					}
				case int, int64:
					if err := f.SetCellValue(name, axis, v); err != nil {
						return nil, err
					}
					if err := f.SetCellStyle(name, axis, axis, numStyle); err != nil {
						return nil, err
					}
				case BasisPoints:
					if err := f.SetCellFloat(name, axis, float64(v)/10000, -1, 64); err != nil {
						return nil, err
					}
					if err := f.SetCellStyle(name, axis, axis, pctStyle); err != nil {
						return nil, err
					}
				default:
					if err := f.SetCellStr(name, axis, fmt.Sprint(v)); err != nil {
						return nil, err
					}
				}
			}
			row++
		}
		for col, values := range sh.Lists {
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(cellName(col+1, headerRow+1) + ":" + cellName(col+1, headerRow+templateRows))
			if err := dv.SetDropList(values); err != nil {
				return nil, fmt.Errorf("tabular: list of %s: %w", sh.Header[col], err)
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, "Isian tidak valid", "Pilih salah satu: "+strings.Join(values, ", "))
			if err := f.AddDataValidation(name, dv); err != nil {
				return nil, err
			}
		}
		if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: cellName(1, headerRow+1), ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("tabular: write xlsx: %w", err)
	}
	return b.Bytes(), nil
}
