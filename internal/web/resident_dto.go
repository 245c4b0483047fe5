package web

import (
	"net/http"
	"time"

	"github.com/weijian-health/weijian"
)

// residentOut is a resident as the API and the pages show it. It is its
// own type, not the domain struct, so that a field added to the domain is
// never published by accident; identifiable fields (ID number, name, phone,
// address detail) are masked unless the caller asked to see them and may.
type residentOut struct {
	ID          int64  `json:"id"`
	County      string `json:"county"`
	DocType     string `json:"docType"`
	DocNumber   string `json:"docNumber"`
	DocChecked  bool   `json:"docChecked"`
	Name        string `json:"name"`
	Sex         int    `json:"sex"`
	BirthDate   string `json:"birthDate"`
	Age         int    `json:"age"`
	Village     string `json:"village"`
	VillageName string `json:"villageName"`
	Address     string `json:"address"`
	Phone       string `json:"phone"`
	Household   string `json:"household,omitempty"`
	Doctor      string `json:"doctor,omitempty"`
	DeathDate   string `json:"deathDate,omitempty"`
	MergedInto  int64  `json:"mergedInto,omitempty"`
	Version     int    `json:"version"`
	Masked      bool   `json:"masked"`
}

func residentView(p *weijian.Person, unmasked bool, today time.Time) residentOut {
	o := residentOut{ID: p.ID, County: p.County, DocType: string(p.DocType), DocChecked: p.DocChecked, Sex: p.Sex,
		BirthDate: formatDate(p.BirthDate), Age: p.AgeAt(today), Village: p.VillageCode, VillageName: p.VillageName,
		Household: p.Household, Doctor: p.DoctorName, DeathDate: formatDate(p.DeathDate), MergedInto: p.MergedInto,
		Version: p.Version, Masked: !unmasked}
	if unmasked {
		o.DocNumber, o.Name, o.Address, o.Phone = p.DocNumber, p.Name, p.Address, p.Phone
	} else {
		o.DocNumber, o.Name = weijian.MaskDocument(p.DocType, p.DocNumber), weijian.MaskName(p.Name)
		o.Address, o.Phone = weijian.MaskAddress(p.Address), weijian.MaskPhone(p.Phone)
	}
	return o
}

// residentIn is a resident as the API and the register form receive it.
type residentIn struct {
	DocType   string `json:"docType"`
	DocNumber string `json:"docNumber"`
	Name      string `json:"name"`
	Sex       int    `json:"sex"`
	BirthDate string `json:"birthDate"`
	Village   string `json:"village"`
	Address   string `json:"address"`
	Phone     string `json:"phone"`
	Household string `json:"household"`
	SourceID  string `json:"sourceId"`
	Version   int    `json:"version"`
	Force     bool   `json:"force"` // register despite likely duplicates
}

func (in residentIn) person() (*weijian.Person, error) {
	p := &weijian.Person{DocType: weijian.DocType(in.DocType), DocNumber: in.DocNumber, Name: in.Name, Sex: in.Sex,
		VillageCode: in.Village, Address: in.Address, Phone: in.Phone, Household: in.Household, SourceID: in.SourceID,
		Version: in.Version}
	if in.BirthDate != "" {
		d, err := time.Parse(time.DateOnly, in.BirthDate)
		if err != nil {
			return nil, weijian.Invalid(weijian.T("出生日期格式应为 YYYY-MM-DD", "the birth date is written YYYY-MM-DD"),
				weijian.Issue{Field: weijian.FieldBirthDate, Value: weijian.Clip(in.BirthDate), Rule: "format",
					Msg: weijian.T("格式应为 YYYY-MM-DD", "write YYYY-MM-DD")})
		}
		p.BirthDate = d
	}
	return p, nil
}

// eventOut is an event as the API shows it.
type eventOut struct {
	ID         int64          `json:"id"`
	PersonID   int64          `json:"personId"`
	Programme  string         `json:"programme"`
	Stage      string         `json:"stage"`
	Date       string         `json:"date"`
	OrgUnit    string         `json:"orgUnitName"`
	Values     map[string]any `json:"values"`
	Voided     bool           `json:"voided"`
	VoidReason string         `json:"voidReason,omitempty"`
	Version    int            `json:"version"`
}

func eventView(e *weijian.Event) eventOut {
	return eventOut{ID: e.ID, PersonID: e.PersonID, Programme: e.Programme, Stage: e.Stage, Date: formatDate(e.Date),
		OrgUnit: e.OrgName, Values: e.Values, Voided: e.Voided, VoidReason: e.VoidReason, Version: e.Version}
}

type enrollmentOut struct {
	ID         int64          `json:"id"`
	Programme  string         `json:"programme"`
	EnrolledOn string         `json:"enrolledOn"`
	EndedOn    string         `json:"endedOn,omitempty"`
	Values     map[string]any `json:"values"`
}

func enrollmentView(e *weijian.Enrollment) enrollmentOut {
	return enrollmentOut{ID: e.ID, Programme: e.Programme, EnrolledOn: formatDate(e.EnrolledOn), EndedOn: formatDate(e.EndedOn), Values: e.Values}
}

// actor is the acting user of a request, for the audit log.
func (s *Server) actor(r *http.Request) weijian.Actor {
	u := currentUser(r)
	return weijian.Actor{UserID: u.ID, Name: u.Username, IP: s.clientIP(r)}
}

// residentScope is where the user may see residents; recordScope where
// they may record services.
func residentScope(r *http.Request) weijian.Scope {
	return currentUser(r).ScopeFor(weijian.PermViewResidents)
}

func recordScope(r *http.Request) weijian.Scope {
	return currentUser(r).ScopeFor(weijian.PermRecordServices)
}

// today is the current day in China, as a UTC midnight.
func (s *Server) today() time.Time {
	y, m, d := s.now().In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
