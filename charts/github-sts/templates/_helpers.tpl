{{- define "github-sts.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "github-sts.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "github-sts.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "github-sts.selectorLabels" -}}
app.kubernetes.io/name: {{ include "github-sts.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "github-sts.labels" -}}
helm.sh/chart: {{ include "github-sts.chart" . }}
{{ include "github-sts.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: sts
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.global.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "github-sts.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "github-sts.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "github-sts.image" -}}
{{- $repo := printf "%s/%s" .Values.image.registry .Values.image.repository | trimPrefix "/" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "github-sts.secretName" -}}
{{- default (printf "%s-github-app" (include "github-sts.fullname" .)) .Values.github.existingSecret -}}
{{- end -}}

{{- define "github-sts.hasAppSecret" -}}
{{- if and (not (include "github-sts.hasAppSigner" .)) (or .Values.github.existingSecret .Values.github.appId) -}}true{{- end -}}
{{- end -}}

{{/* The one App's key is in a KMS: no Secret, the signer settings as plain variables. */}}
{{- define "github-sts.hasAppSigner" -}}
{{- if (.Values.github.signer | default dict).kind -}}true{{- end -}}
{{- end -}}
