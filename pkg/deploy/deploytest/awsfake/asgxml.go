package awsfake

import (
	"encoding/xml"
	"fmt"
	"maps"
	"slices"
)

const asgXmlns = "http://autoscaling.amazonaws.com/doc/2011-01-01/"

// asgEnvelope is the Query protocol's success document:
// <OpResponse><OpResult>…</OpResult><ResponseMetadata>….
type asgEnvelope struct {
	op, id string
	result any
}

func (e asgEnvelope) MarshalXML(enc *xml.Encoder, _ xml.StartElement) error {
	start := xml.StartElement{
		Name: xml.Name{Local: e.op + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: asgXmlns}},
	}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	result := e.result
	if result == nil {
		result = struct{}{}
	}
	if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: e.op + "Result"}}); err != nil {
		return err
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{e.id}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return err
	}
	return enc.EncodeToken(start.End())
}

// members is a Query protocol list: <Name><member>…</member></Name>,
// present even when empty.
type members[T any] struct {
	M []T `xml:"member"`
}

type asgInstance struct {
	InstanceID           string `xml:"InstanceId"`
	InstanceType         string `xml:"InstanceType"`
	AvailabilityZone     string `xml:"AvailabilityZone"`
	LifecycleState       string `xml:"LifecycleState"`
	HealthStatus         string `xml:"HealthStatus"`
	ProtectedFromScaleIn bool   `xml:"ProtectedFromScaleIn"`
}

type asgTag struct {
	ResourceID        string `xml:"ResourceId"`
	ResourceType      string `xml:"ResourceType"`
	Key               string `xml:"Key"`
	Value             string `xml:"Value"`
	PropagateAtLaunch bool   `xml:"PropagateAtLaunch"`
}

type asgGroup struct {
	Name                   string               `xml:"AutoScalingGroupName"`
	ARN                    string               `xml:"AutoScalingGroupARN"`
	MinSize                int                  `xml:"MinSize"`
	MaxSize                int                  `xml:"MaxSize"`
	DesiredCapacity        int                  `xml:"DesiredCapacity"`
	DefaultCooldown        int                  `xml:"DefaultCooldown"`
	AvailabilityZones      members[string]      `xml:"AvailabilityZones"`
	HealthCheckType        string               `xml:"HealthCheckType"`
	HealthCheckGracePeriod int                  `xml:"HealthCheckGracePeriod"`
	Instances              members[asgInstance] `xml:"Instances"`
	CreatedTime            string               `xml:"CreatedTime"`
	Tags                   members[asgTag]      `xml:"Tags"`
	TerminationPolicies    members[string]      `xml:"TerminationPolicies"`
	NewInstancesProtected  bool                 `xml:"NewInstancesProtectedFromScaleIn"`
	ServiceLinkedRoleARN   string               `xml:"ServiceLinkedRoleARN"`
}

type describeGroupsResult struct {
	Groups    members[asgGroup] `xml:"AutoScalingGroups"`
	NextToken string            `xml:"NextToken,omitempty"`
}

type asgActivity struct {
	ActivityID  string `xml:"ActivityId"`
	GroupName   string `xml:"AutoScalingGroupName"`
	GroupARN    string `xml:"AutoScalingGroupARN"`
	Description string `xml:"Description"`
	Cause       string `xml:"Cause"`
	StartTime   string `xml:"StartTime"`
	StatusCode  string `xml:"StatusCode"`
	Progress    int    `xml:"Progress"`
	Details     string `xml:"Details"`
}

type terminateResult struct {
	Activity   *asgActivity         `xml:"Activity,omitempty"`
	Activities members[asgActivity] `xml:"Activities"`
}

type asgAction struct {
	GroupName  string `xml:"AutoScalingGroupName"`
	Name       string `xml:"ScheduledActionName"`
	ARN        string `xml:"ScheduledActionARN"`
	Time       string `xml:"Time,omitempty"`
	StartTime  string `xml:"StartTime,omitempty"`
	EndTime    string `xml:"EndTime,omitempty"`
	Recurrence string `xml:"Recurrence,omitempty"`
	MinSize    *int   `xml:"MinSize,omitempty"`
	MaxSize    *int   `xml:"MaxSize,omitempty"`
	Desired    *int   `xml:"DesiredCapacity,omitempty"`
	TimeZone   string `xml:"TimeZone,omitempty"`
}

type describeActionsResult struct {
	Actions   members[asgAction] `xml:"ScheduledUpdateGroupActions"`
	NextToken string             `xml:"NextToken,omitempty"`
}

type failedAction struct {
	Name         string `xml:"ScheduledActionName"`
	ErrorCode    string `xml:"ErrorCode"`
	ErrorMessage string `xml:"ErrorMessage"`
}

type batchPutResult struct {
	Failed members[failedAction] `xml:"FailedScheduledUpdateGroupActions"`
}

// groupARN is the group's ARN, as Auto Scaling writes it.
func (f *Fake) groupARN(g *group) string {
	return fmt.Sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:%s:autoScalingGroupName/%s", f.opts.Region, f.opts.Account, g.arnID, g.Name)
}

// groupOf renders g as DescribeAutoScalingGroups does; f.mu held.
func (f *Fake) groupOf(g *group) asgGroup {
	x := asgGroup{
		Name: g.Name, ARN: f.groupARN(g), MinSize: g.Min, MaxSize: g.Max,
		DesiredCapacity: g.Desired, DefaultCooldown: 300,
		AvailabilityZones: members[string]{slices.Clone(g.AZs)},
		HealthCheckType:   "EC2", HealthCheckGracePeriod: 300,
		CreatedTime:          fmtTime(g.Created),
		TerminationPolicies:  members[string]{[]string{g.TerminationPolicy}},
		ServiceLinkedRoleARN: fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", f.opts.Account),
	}
	for _, in := range f.members(g.Name) {
		x.Instances.M = append(x.Instances.M, asgInstance{
			InstanceID: in.ID, InstanceType: in.InstanceType, AvailabilityZone: in.AZ,
			LifecycleState: in.Lifecycle, HealthStatus: "Healthy",
		})
	}
	for _, k := range slices.Sorted(maps.Keys(g.Tags)) {
		x.Tags.M = append(x.Tags.M, asgTag{ResourceID: g.Name, ResourceType: "auto-scaling-group", Key: k, Value: g.Tags[k], PropagateAtLaunch: true})
	}
	return x
}
