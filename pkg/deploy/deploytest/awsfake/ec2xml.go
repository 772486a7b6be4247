package awsfake

import (
	"maps"
	"slices"
	"time"
)

const ec2Xmlns = "http://ec2.amazonaws.com/doc/2016-11-15/"

// awsTime is the date-time format of the Query protocols' timestamps.
const awsTime = "2006-01-02T15:04:05.000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(awsTime) }

// ec2Meta is the requestId every EC2 response starts with.
type ec2Meta struct {
	RequestID string `xml:"requestId"`
}

func (m *ec2Meta) setRequestID(id string) { m.RequestID = id }

type ec2State struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

func stateOf(name string) ec2State { return ec2State{Code: stateCodes[name], Name: name} }

type ec2Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type ec2Reason struct {
	Code    string `xml:"code"`
	Message string `xml:"message"`
}

type ec2Instance struct {
	InstanceID       string     `xml:"instanceId"`
	ImageID          string     `xml:"imageId"`
	State            ec2State   `xml:"instanceState"`
	PrivateDNSName   string     `xml:"privateDnsName"`
	DNSName          string     `xml:"dnsName"`
	Reason           string     `xml:"reason"`
	AmiLaunchIndex   int        `xml:"amiLaunchIndex"`
	InstanceType     string     `xml:"instanceType"`
	LaunchTime       string     `xml:"launchTime"`
	AvailabilityZone string     `xml:"placement>availabilityZone"`
	Tenancy          string     `xml:"placement>tenancy"`
	Monitoring       string     `xml:"monitoring>state"`
	SubnetID         string     `xml:"subnetId"`
	VpcID            string     `xml:"vpcId"`
	PrivateIP        string     `xml:"privateIpAddress,omitempty"`
	PublicIP         string     `xml:"ipAddress,omitempty"`
	StateReason      *ec2Reason `xml:"stateReason,omitempty"`
	Architecture     string     `xml:"architecture"`
	RootDeviceType   string     `xml:"rootDeviceType"`
	Tags             []ec2Tag   `xml:"tagSet>item"`
	Virtualization   string     `xml:"virtualizationType"`
	Hypervisor       string     `xml:"hypervisor"`
}

type ec2Reservation struct {
	ReservationID string        `xml:"reservationId"`
	OwnerID       string        `xml:"ownerId"`
	Groups        string        `xml:"groupSet"`
	Instances     []ec2Instance `xml:"instancesSet>item"`
}

type describeInstancesResult struct {
	ec2Meta
	Reservations []ec2Reservation `xml:"reservationSet>item"`
	NextToken    string           `xml:"nextToken,omitempty"`
}

type ec2StateChange struct {
	InstanceID string   `xml:"instanceId"`
	Current    ec2State `xml:"currentState"`
	Previous   ec2State `xml:"previousState"`
}

type stateChangeResult struct {
	ec2Meta
	Changes []ec2StateChange `xml:"instancesSet>item"`
}

type ec2Return struct {
	ec2Meta
	Return bool `xml:"return"`
}

type ec2TagDescription struct {
	ResourceID   string `xml:"resourceId"`
	ResourceType string `xml:"resourceType"`
	Key          string `xml:"key"`
	Value        string `xml:"value"`
}

type describeTagsResult struct {
	ec2Meta
	Tags      []ec2TagDescription `xml:"tagSet>item"`
	NextToken string              `xml:"nextToken,omitempty"`
}

// ec2Tags are tags in key order, as EC2's tagSet.
func ec2Tags(tags map[string]string) []ec2Tag {
	out := []ec2Tag{}
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, ec2Tag{Key: k, Value: tags[k]})
	}
	return out
}

// reservationOf renders in as DescribeInstances does, in its own
// reservation.
func (f *Fake) reservationOf(in *instance) ec2Reservation {
	x := ec2Instance{
		InstanceID: in.ID, ImageID: in.ImageID, State: stateOf(in.State),
		InstanceType: in.InstanceType, LaunchTime: fmtTime(in.LaunchTime),
		AvailabilityZone: in.AZ, Tenancy: "default", Monitoring: "disabled",
		SubnetID: "subnet-0fa4e" + in.AZ[len(in.AZ)-1:] + "00000000000", VpcID: "vpc-0fa4e000000000000",
		PrivateIP: in.PrivateIP, PublicIP: in.PublicIP, Architecture: "x86_64",
		RootDeviceType: "ebs", Tags: ec2Tags(in.Tags), Virtualization: "hvm", Hypervisor: "xen",
	}
	if in.PrivateIP != "" {
		x.PrivateDNSName = "ip-" + dashed(in.PrivateIP) + "." + f.opts.Region + ".compute.internal"
	}
	if in.State == StateTerminated || in.State == StateStopped || in.State == StateShuttingDown || in.State == StateStopping {
		x.PrivateDNSName, x.PublicIP = "", ""
		if in.State == StateTerminated {
			x.PrivateIP = ""
		}
		x.Reason = in.Reason
		code := "Client.UserInitiatedShutdown"
		if in.failed {
			code = "Server.InternalError"
		}
		x.StateReason = &ec2Reason{Code: code, Message: code + ": " + in.Reason}
	}
	return ec2Reservation{ReservationID: in.reservation, OwnerID: f.opts.Account, Instances: []ec2Instance{x}}
}

// dashed writes an IPv4 address as EC2's DNS names do: 10-0-1-4.
func dashed(ip string) string {
	b := []byte(ip)
	for i, c := range b {
		if c == '.' {
			b[i] = '-'
		}
	}
	return string(b)
}
