<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>About</name>
    <message>
        <location filename="../about.py" line="22"/>
        <source>Meeting Recorder</source>
        <translation>회의 녹음기</translation>
    </message>
    <message>
        <location filename="../about.py" line="23"/>
        <source>Records and transcribes meetings on this computer, fully offline: no audio or text leaves the machine.</source>
        <translation>이 컴퓨터에서 회의를 녹음하고 텍스트로 변환합니다. 완전히 오프라인으로 동작하므로 오디오나 텍스트가 컴퓨터 밖으로 나가지 않습니다.</translation>
    </message>
    <message>
        <location filename="../about.py" line="26"/>
        <source>Speech recognition: faster-whisper (Whisper). Speakers: pyannote.audio and a CAM++ speaker embedding. Interface: Qt for Python (PySide6).</source>
        <translation>음성 인식: faster-whisper (Whisper). 화자: pyannote.audio 및 CAM++ 화자 임베딩. 인터페이스: Qt for Python (PySide6).</translation>
    </message>
    <message>
        <location filename="../about.py" line="34"/>
        <source>&lt;b&gt;Record&lt;/b&gt; (Ctrl+1): pick a microphone and press Record. The audio is saved as it comes, the transcript appears live; Stop finishes the file and opens the transcript.</source>
        <translation>&lt;b&gt;녹음&lt;/b&gt; (Ctrl+1): 마이크를 선택하고 녹음을 누르세요. 오디오는 녹음되는 대로 저장되고 녹취록이 실시간으로 표시됩니다. 중지를 누르면 파일을 마무리하고 녹취록을 엽니다.</translation>
    </message>
    <message>
        <location filename="../about.py" line="37"/>
        <source>&lt;b&gt;Files&lt;/b&gt; (Ctrl+2): drop audio or video files on the window or use File ▸ Open files… (Ctrl+O). Files are transcribed one after another; open a result when it is done.</source>
        <translation>&lt;b&gt;파일&lt;/b&gt; (Ctrl+2): 오디오 또는 동영상 파일을 창에 끌어다 놓거나 파일 ▸ 파일 열기…(Ctrl+O)를 사용하세요. 파일은 하나씩 차례로 변환되며, 완료된 결과를 열 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../about.py" line="40"/>
        <source>&lt;b&gt;Transcript&lt;/b&gt; (Ctrl+3): correct the text, rename speakers, click a line to hear it. Save with Ctrl+S; File ▸ Export… writes TXT, SRT, VTT, JSON, Markdown or RTTM.</source>
        <translation>&lt;b&gt;녹취록&lt;/b&gt; (Ctrl+3): 텍스트를 고치고 화자 이름을 바꾸며, 줄을 클릭하면 해당 부분을 들을 수 있습니다. Ctrl+S로 저장하고, 파일 ▸ 녹취록 내보내기로 TXT, SRT, VTT, JSON, 마크다운 또는 RTTM 형식으로 저장합니다.</translation>
    </message>
    <message>
        <location filename="../about.py" line="43"/>
        <source>&lt;b&gt;Speakers&lt;/b&gt; (Ctrl+4): enroll a person from a sample so transcripts use their name.</source>
        <translation>&lt;b&gt;화자&lt;/b&gt; (Ctrl+4): 음성 샘플로 사람을 등록하면 녹취록에 그 사람의 이름이 표시됩니다.</translation>
    </message>
    <message>
        <location filename="../about.py" line="45"/>
        <source>&lt;b&gt;Resources&lt;/b&gt; (Ctrl+5): memory, CPU and free disk. A recording stops safely before the disk fills up.</source>
        <translation>&lt;b&gt;리소스&lt;/b&gt; (Ctrl+5): 메모리, CPU, 디스크 여유 공간을 보여 줍니다. 디스크가 가득 차기 전에 녹음을 안전하게 중지합니다.</translation>
    </message>
    <message>
        <location filename="../about.py" line="48"/>
        <source>&lt;b&gt;Library&lt;/b&gt; (Ctrl+6): every meeting, searchable in English and Korean. A search result opens the transcript at its line and plays from there.</source>
        <translation>&lt;b&gt;라이브러리&lt;/b&gt; (Ctrl+6): 모든 회의를 한국어와 영어로 검색합니다. 검색 결과를 열면 해당 줄의 녹취록이 열리고 그 위치부터 재생됩니다.</translation>
    </message>
    <message>
        <location filename="../about.py" line="51"/>
        <source>&lt;b&gt;Preferences&lt;/b&gt; (Ctrl+,): model, language, device, speakers, recordings folder, warning thresholds and the interface language.</source>
        <translation>&lt;b&gt;환경설정&lt;/b&gt; (Ctrl+,): 모델, 언어, 장치, 화자, 녹음 폴더, 경고 기준, 인터페이스 언어를 설정합니다.</translation>
    </message>
</context>
<context>
    <name>AudioPlayer</name>
    <message>
        <location filename="../audio_player.py" line="137"/>
        <source>Audio playback is not available: QtMultimedia (PySide6-Addons) is not installed.</source>
        <translation>오디오를 재생할 수 없습니다: QtMultimedia(PySide6-Addons)가 설치되어 있지 않습니다.</translation>
    </message>
    <message>
        <location filename="../audio_player.py" line="140"/>
        <source>The audio of this transcript was not found.</source>
        <translation>이 녹취록의 오디오를 찾을 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../audio_player.py" line="158"/>
        <source>Could not play the audio: {message}</source>
        <translation>오디오를 재생하지 못했습니다: {message}</translation>
    </message>
</context>
<context>
    <name>AudioWorker</name>
    <message>
        <location filename="../audio_worker.py" line="159"/>
        <source>A recording is already running.</source>
        <translation>이미 녹음 중입니다.</translation>
    </message>
    <message>
        <location filename="../audio_worker.py" line="308"/>
        <source>Stopping the recording failed: {error}</source>
        <translation>녹음을 중지하지 못했습니다: {error}</translation>
    </message>
    <message>
        <location filename="../audio_worker.py" line="362"/>
        <source>Could not recover a recording: {message}</source>
        <translation>녹음을 복구하지 못했습니다: {message}</translation>
    </message>
</context>
<context>
    <name>ClusterWorker</name>
    <message>
        <location filename="../cluster_queue.py" line="164"/>
        <source>The cluster at {address} stopped: {error}</source>
        <translation>{address}의 클러스터가 멈췄습니다: {error}</translation>
    </message>
    <message>
        <location filename="../cluster_queue.py" line="192"/>
        <source>Could not start the work on the cluster at {address}: {error}</source>
        <translation>{address}의 클러스터에서 작업을 시작하지 못했습니다: {error}</translation>
    </message>
    <message>
        <location filename="../cluster_queue.py" line="213"/>
        <source>“{address}” is not a cluster address: use local, HOST:PORT or ray://HOST:PORT</source>
        <translation>“{address}”은(는) 클러스터 주소가 아닙니다. local, HOST:PORT 또는 ray://HOST:PORT 형식을 쓰세요</translation>
    </message>
</context>
<context>
    <name>CoreMessages</name>
    <message>
        <location filename="../../messages.py" line="25"/>
        <source>Recording to {path}</source>
        <translation>녹음 중: {path}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="28"/>
        <source>Stopping capture…</source>
        <translation>녹음 입력을 멈추는 중…</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="29"/>
        <source>Stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="26"/>
        <source>Recovered an interrupted recording: {path} ({seconds:.0f} s)</source>
        <translation>중단된 녹음을 복구했습니다: {path} ({seconds:.0f}초)</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="27"/>
        <source>Could not recover a recording: {reason}</source>
        <translation>녹음을 복구할 수 없습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="30"/>
        <source>Transcribing the last words…</source>
        <translation>마지막 말을 전사하는 중…</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="31"/>
        <source>The last words were not transcribed in time; the recording is complete.</source>
        <translation>마지막 말을 제때 전사하지 못했습니다. 녹음 파일은 온전합니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="34"/>
        <source>Recording saved: {path}</source>
        <translation>녹음 저장됨: {path}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="35"/>
        <source>Transcript saved: {files}</source>
        <translation>전사본 저장됨: {files}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="36"/>
        <source>Speech model released</source>
        <translation>음성 인식 모델을 해제했습니다</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="37"/>
        <source>Speaker model released</source>
        <translation>화자 모델을 해제했습니다</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="38"/>
        <source>Memory released</source>
        <translation>메모리를 해제했습니다</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="39"/>
        <source>Low disk space: {free_mb} MB free where the recording is written; recording stops by itself in about {minutes_left:.0f} min.</source>
        <translation>디스크 공간 부족: 녹음 위치에 {free_mb} MB 남음. 약 {minutes_left:.0f}분 뒤 녹음이 자동으로 멈춥니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="43"/>
        <source>The disk is almost full ({free_mb} MB free): recording stopped and saved up to this moment.</source>
        <translation>디스크가 거의 가득 찼습니다({free_mb} MB 남음). 녹음을 멈추고 지금까지의 내용을 저장했습니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="47"/>
        <source>Cannot record in {path}: {reason}</source>
        <translation>{path}에 녹음할 수 없습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="48"/>
        <source>Not enough free space to record in {path} ({free_mb} MB free).</source>
        <translation>{path}에 녹음할 여유 공간이 부족합니다({free_mb} MB 남음).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="51"/>
        <source>Writing the recording failed: {reason}. Recording stopped; {path} keeps the audio up to here.</source>
        <translation>녹음 파일 쓰기 실패: {reason}. 녹음을 멈췄습니다. {path}에 지금까지의 오디오가 남아 있습니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="54"/>
        <source>The live transcript cannot be saved ({reason}); the recording goes on.</source>
        <translation>실시간 전사를 저장할 수 없습니다({reason}). 녹음은 계속됩니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="57"/>
        <source>Could not write the transcript {path}: {reason}</source>
        <translation>전사 파일 {path}을(를) 쓸 수 없습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="58"/>
        <source>Could not finish {path} ({reason}); it is recovered on the next start.</source>
        <translation>{path}을(를) 마무리할 수 없습니다({reason}). 다음 실행 때 복구됩니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="62"/>
        <source>Loading the speech model…</source>
        <translation>음성 인식 모델을 불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="64"/>
        <source>Transcribing live</source>
        <translation>실시간 전사 중</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="65"/>
        <source>{file}: model {model_name} (your choice)</source>
        <translation>{file}: 모델 {model_name} (사용자 선택)</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="66"/>
        <source>{file}: model {model_name} for language &apos;{language}&apos;</source>
        <translation>{file}: 언어 &apos;{language}&apos;에 맞춘 모델 {model_name}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="67"/>
        <source>{file}: language detected: &apos;{language}&apos; ({probability:.0%}), model {model_name}</source>
        <translation>{file}: 감지된 언어 &apos;{language}&apos; ({probability:.0%}), 모델 {model_name}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="70"/>
        <source>{file}: no speech found to identify the language; model {model_name}</source>
        <translation>{file}: 언어를 판별할 음성이 없어 모델 {model_name}을(를) 사용합니다</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="73"/>
        <source>Live transcription stopped ({reason}); recording goes on. Transcribe the file afterwards.</source>
        <translation>실시간 전사가 멈췄습니다({reason}). 녹음은 계속됩니다. 나중에 파일을 전사하세요.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="77"/>
        <source>Transcription stopped: {reason}. Recordings are not affected; the models are started again.</source>
        <translation>전사가 멈췄습니다: {reason}. 녹음에는 영향이 없으며 모델을 다시 시작합니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="80"/>
        <source>Live transcription resumed; {skipped:.1f} s were not transcribed (they are in the recording).</source>
        <translation>실시간 전사를 다시 시작했습니다. {skipped:.1f}초는 전사되지 않았습니다(녹음에는 남아 있습니다).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="84"/>
        <source>Transcription fell behind and skipped {seconds:.1f} s (the recording keeps every sample).</source>
        <translation>전사가 밀려 {seconds:.1f}초를 건너뛰었습니다(녹음에는 모든 소리가 남아 있습니다).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="87"/>
        <source>Speaker labels are off: {reason}</source>
        <translation>화자 구분이 꺼졌습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="88"/>
        <source>No speaker label for an utterance ({reason}); further such misses are not reported.</source>
        <translation>한 발화의 화자를 구분하지 못했습니다({reason}). 이후 같은 경우는 알리지 않습니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="92"/>
        <source>no speech found in {where} (silent or only noise)</source>
        <translation>{where}에서 음성을 찾지 못했습니다(무음이거나 잡음뿐입니다)</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="93"/>
        <source>only {seconds} s of speech in {where}; at least {needed:g} s is needed</source>
        <translation>{where}의 음성이 {seconds}초뿐입니다. 최소 {needed:g}초가 필요합니다</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="96"/>
        <source>{path} is only {length:.1f} s long; the span starts at {start:.1f} s</source>
        <translation>{path}의 길이는 {length:.1f}초뿐인데 구간은 {start:.1f}초에서 시작합니다</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="97"/>
        <source>no usable voice print from the speech in {where} ({reason})</source>
        <translation>{where}의 음성에서 쓸 수 있는 목소리 특징을 얻지 못했습니다({reason})</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="106"/>
        <source>Could not open audio device &apos;{name}&apos;: {reason}</source>
        <translation>오디오 장치 &apos;{name}&apos;을(를) 열 수 없습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="109"/>
        <source>{path}: playback failed ({reason})</source>
        <translation>{path}: 재생 실패({reason})</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="115"/>
        <source>{path}: not a readable audio or video file ({reason})</source>
        <translation>{path}: 읽을 수 있는 오디오/비디오 파일이 아닙니다({reason})</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="116"/>
        <source>{path}: cannot be read ({reason})</source>
        <translation>{path}: 읽을 수 없습니다({reason})</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="117"/>
        <source>{path}: decoding failed ({reason})</source>
        <translation>{path}: 디코딩 실패({reason})</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="122"/>
        <source>{path}: is not a regular file (a pipe, socket or device)</source>
        <translation>{path}: 일반 파일이 아닙니다(파이프, 소켓 또는 장치)</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="123"/>
        <source>{path}: the audio track is empty (no samples to transcribe)</source>
        <translation>{path}: 오디오 트랙이 비어 있습니다(전사할 소리가 없습니다)</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="124"/>
        <source>{path}: the file is truncated (it declares {declared} s of audio, only {decoded} s could be read)</source>
        <translation>{path}: 파일이 잘려 있습니다({declared}초라고 되어 있지만 {decoded}초만 읽을 수 있습니다)</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="129"/>
        <source>The speaker profiles file {path} cannot be used ({problem}). It was renamed to {kept_as} and no speakers are enrolled now.</source>
        <translation>화자 프로필 파일 {path}을(를) 쓸 수 없습니다({problem}). {kept_as}(으)로 이름을 바꿔 두었고, 지금은 등록된 화자가 없습니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="134"/>
        <source>Cannot read the speaker profiles file {path} ({reason}).</source>
        <translation>화자 프로필 파일 {path}을(를) 읽을 수 없습니다({reason}).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="135"/>
        <source>Could not save the speaker profiles to {path} ({reason}).</source>
        <translation>화자 프로필을 {path}에 저장할 수 없습니다({reason}).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="136"/>
        <source>The settings file {path} could not be read. It was renamed to {kept_as} and the default settings are used.</source>
        <translation>설정 파일 {path}을(를) 읽을 수 없습니다. {kept_as}(으)로 이름을 바꿔 두었고 기본 설정을 사용합니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="140"/>
        <source>The settings file {path} could not be read ({reason}); the default settings are used for now.</source>
        <translation>설정 파일 {path}을(를) 읽을 수 없습니다({reason}). 지금은 기본 설정을 사용합니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="145"/>
        <source>System audio cannot be recorded ({reason}). On Linux it needs a PulseAudio or PipeWire sound server; on Windows, an output device.</source>
        <translation>시스템 오디오를 녹음할 수 없습니다({reason}). Linux에서는 PulseAudio 또는 PipeWire 사운드 서버가, Windows에서는 출력 장치가 필요합니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="149"/>
        <source>&apos;{name}&apos; matches no system audio source; available: {names}.</source>
        <translation>&apos;{name}&apos;과(와) 일치하는 시스템 오디오 소스가 없습니다. 사용 가능한 소스: {names}.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="153"/>
        <source>{path} is saved but was not added to the library ({reason}); it is added at the library&apos;s next rebuild.</source>
        <translation>{path}은(는) 저장되었지만 라이브러리에 추가하지 못했습니다({reason}). 라이브러리를 다시 만들 때 추가됩니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="157"/>
        <source>Meeting {meeting_id} is not in the library.</source>
        <translation>회의 {meeting_id}은(는) 라이브러리에 없습니다.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="158"/>
        <source>The library is busy (another program is writing to {path}); try again in a moment.</source>
        <translation>라이브러리가 사용 중입니다(다른 프로그램이 {path}에 쓰고 있습니다). 잠시 후 다시 시도하세요.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="161"/>
        <source>Library: could not use {path}: {reason}</source>
        <translation>라이브러리: {path}을(를) 사용할 수 없습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="162"/>
        <source>{path} is not a transcript: {reason}</source>
        <translation>{path}은(는) 전사 파일이 아닙니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="163"/>
        <source>The library {path} is damaged and could not be rebuilt: {reason}</source>
        <translation>라이브러리 {path}이(가) 손상되어 다시 만들 수 없습니다: {reason}</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="166"/>
        <source>The library {path} was made by a newer version of Meeting Recorder; update the app.</source>
        <translation>라이브러리 {path}은(는) 더 새로운 버전의 Meeting Recorder에서 만들어졌습니다. 앱을 업데이트하세요.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="169"/>
        <source>The library was damaged and has been rebuilt from your files (the old one is kept as {kept_as}).</source>
        <translation>라이브러리가 손상되어 파일에서 다시 만들었습니다(이전 라이브러리는 {kept_as}(으)로 보관했습니다).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="173"/>
        <source>Cannot reach the Ray cluster at {address} ({reason}).</source>
        <translation>{address}의 Ray 클러스터에 연결할 수 없습니다 ({reason}).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="174"/>
        <source>Ray is not installed; install it with: pip install &apos;meeting-recorder[cluster]&apos;.</source>
        <translation>Ray가 설치되어 있지 않습니다. 다음 명령으로 설치하세요: pip install 'meeting-recorder[cluster]'.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="177"/>
        <source>No worker could run on the Ray cluster at {address} ({reason}).</source>
        <translation>{address}의 Ray 클러스터에서 작업자를 실행할 수 없습니다 ({reason}).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="178"/>
        <source>{path}: the cluster&apos;s workers running it stopped {attempts} time(s) ({reason}).</source>
        <translation>{path}: 이 파일을 처리하던 클러스터 작업자가 {attempts}번 멈췄습니다 ({reason}).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="181"/>
        <source>Ray cluster at {address}: {workers} worker(s) ready on {nodes} machine(s), {gpus} GPU(s).</source>
        <translation>{address}의 Ray 클러스터: 컴퓨터 {nodes}대에서 작업자 {workers}개 준비됨, GPU {gpus}개.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="184"/>
        <source>{path}: worker {worker} stopped ({reason}); trying again elsewhere (attempt {attempt}).</source>
        <translation>{path}: 작업자 {worker}이(가) 멈췄습니다 ({reason}). 다른 작업자에서 다시 시도합니다 ({attempt}번째 시도).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="63"/>
        <source>Loading the speaker model…</source>
        <translation>화자 모델을 불러오는 중…</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="99"/>
        <source>No audio input device found (is a microphone connected?).</source>
        <translation>오디오 입력 장치가 없습니다 (마이크가 연결되어 있나요?).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="100"/>
        <source>Audio device &apos;{name}&apos; matches several devices; available: {names}.</source>
        <translation>오디오 장치 &apos;{name}&apos;에 해당하는 장치가 여러 개입니다. 사용 가능: {names}.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="103"/>
        <source>Audio device &apos;{name}&apos; matches no input device; available: {names}.</source>
        <translation>오디오 장치 &apos;{name}&apos;에 해당하는 입력 장치가 없습니다. 사용 가능: {names}.</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="107"/>
        <source>Audio device &apos;{name}&apos; stopped unexpectedly (unplugged?).</source>
        <translation>오디오 장치 &apos;{name}&apos;이(가) 갑자기 멈췄습니다 (연결이 끊겼나요?).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="108"/>
        <source>Audio device &apos;{name}&apos; stopped delivering audio (unplugged?).</source>
        <translation>오디오 장치 &apos;{name}&apos;에서 소리가 더 이상 들어오지 않습니다 (연결이 끊겼나요?).</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="111"/>
        <source>{path}: file not found</source>
        <translation>{path}: 파일을 찾을 수 없습니다</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="112"/>
        <source>{path}: is a folder, not an audio or video file</source>
        <translation>{path}: 오디오나 비디오 파일이 아니라 폴더입니다</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="113"/>
        <source>{path}: the file is empty (0 bytes)</source>
        <translation>{path}: 빈 파일입니다 (0바이트)</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="114"/>
        <source>{path}: has no audio track</source>
        <translation>{path}: 오디오 트랙이 없습니다</translation>
    </message>
    <message>
        <location filename="../../messages.py" line="118"/>
        <source>{path}: the WAV file is truncated (its header declares {declared} bytes, the file holds {actual})</source>
        <translation>{path}: WAV 파일이 잘렸습니다 (헤더에는 {declared}바이트, 실제 파일은 {actual}바이트)</translation>
    </message>
</context>
<context>
    <name>DropArea</name>
    <message>
        <location filename="../widgets.py" line="46"/>
        <source>Drop audio or video files here</source>
        <translation>오디오 또는 동영상 파일을 여기에 끌어다 놓으세요</translation>
    </message>
</context>
<context>
    <name>EnrollDialog</name>
    <message>
        <location filename="../speakers_view.py" line="47"/>
        <source>Enroll a speaker</source>
        <translation>화자 등록</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="49"/>
        <source>The name shown in transcripts when this voice is recognised</source>
        <translation>이 목소리가 인식되면 녹취록에 표시되는 이름</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="51"/>
        <source>A recording of this person speaking: at least 2 s, 10–60 s is better</source>
        <translation>이 사람이 말하는 녹음: 최소 2초, 10–60초 권장</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="52"/>
        <source>&amp;Browse…</source>
        <translation>찾아보기(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="53"/>
        <source>Choose an audio or video file</source>
        <translation>오디오 또는 동영상 파일을 선택하세요</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="55"/>
        <source>Use only &amp;part of the file</source>
        <translation>파일의 일부만 사용(&amp;P)</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="57"/>
        <source>Where the speech starts, in seconds</source>
        <translation>말이 시작되는 위치(초)</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="58"/>
        <source>Where the speech ends, in seconds</source>
        <translation>말이 끝나는 위치(초)</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="61"/>
        <source> s</source>
        <translation>초</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="70"/>
        <source>&amp;Name:</source>
        <translation>이름(&amp;N):</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="71"/>
        <source>&amp;File:</source>
        <translation>파일(&amp;F):</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="73"/>
        <source>&amp;Start:</source>
        <translation>시작(&amp;S):</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="74"/>
        <source>&amp;End:</source>
        <translation>끝(&amp;E):</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="82"/>
        <source>Choose a voice sample</source>
        <translation>음성 샘플 선택</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="83"/>
        <source>Audio and video ({patterns});;All files (*)</source>
        <translation>오디오 및 동영상 ({patterns});;모든 파일 (*)</translation>
    </message>
</context>
<context>
    <name>FileQueue</name>
    <message>
        <location filename="../file_queue.py" line="186"/>
        <source>{path}: could not write the transcript ({error})</source>
        <translation>{path}: 녹취록을 저장하지 못했습니다 ({error})</translation>
    </message>
</context>
<context>
    <name>FilesView</name>
    <message>
        <location filename="../files_view.py" line="62"/>
        <source>Waiting</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="63"/>
        <source>Loading models…</source>
        <translation>모델 불러오는 중…</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="64"/>
        <source>Transcribing</source>
        <translation>변환 중</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="65"/>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="66"/>
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="67"/>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="68"/>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="99"/>
        <source>Drop audio or video files here to transcribe them</source>
        <translation>텍스트로 변환할 오디오 또는 동영상 파일을 여기에 끌어다 놓으세요</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="101"/>
        <source>&amp;Add files…</source>
        <translation>파일 추가(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="102"/>
        <source>Choose audio or video files to transcribe (Ctrl+O)</source>
        <translation>텍스트로 변환할 오디오 또는 동영상 파일 선택 (Ctrl+O)</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="104"/>
        <source>Cancel a&amp;ll</source>
        <translation>모두 취소(&amp;L)</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="105"/>
        <source>Stop the current file and remove the waiting ones</source>
        <translation>현재 파일을 중지하고 대기 중인 파일을 제거합니다</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="108"/>
        <source>C&amp;lear finished</source>
        <translation>끝난 항목 지우기(&amp;L)</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="109"/>
        <source>Remove finished, failed and cancelled rows from the list</source>
        <translation>완료, 실패, 취소된 항목을 목록에서 제거합니다</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="116"/>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="116"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="116"/>
        <source>Progress</source>
        <translation>진행률</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="116"/>
        <source>Time left</source>
        <translation>남은 시간</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="116"/>
        <source>Action</source>
        <translation>작업</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="127"/>
        <source>Files are transcribed one after another; double-click a finished file to open it</source>
        <translation>파일은 하나씩 차례로 변환됩니다. 완료된 파일을 두 번 클릭하면 열립니다</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="129"/>
        <source>&amp;Queue:</source>
        <translation>대기열(&amp;Q):</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="149"/>
        <source>This computer</source>
        <translation>이 컴퓨터</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="150"/>
        <source>Cluster</source>
        <translation>클러스터</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="152"/>
        <source>Where files are transcribed: here, one after another, or on a Ray cluster, several at once (one per worker)</source>
        <translation>파일을 변환할 곳: 이 컴퓨터(한 번에 하나씩) 또는 Ray 클러스터(워커마다 하나씩, 여러 파일을 동시에)</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="158"/>
        <source>The Ray cluster&apos;s address, e.g. 10.0.0.5:6379 or ray://10.0.0.5:10001; “local” starts a small cluster on this computer. The cluster must reach the files.</source>
        <translation>Ray 클러스터 주소 (예: 10.0.0.5:6379 또는 ray://10.0.0.5:10001). “local”은 이 컴퓨터에 작은 클러스터를 시작합니다. 클러스터에서 파일에 접근할 수 있어야 합니다.</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="159"/>
        <source>Cluster address</source>
        <translation>클러스터 주소</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="161"/>
        <source>R&amp;un on:</source>
        <translation>실행 위치(&amp;U):</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="183"/>
        <source>“{address}” is not a cluster address: use local, HOST:PORT or ray://HOST:PORT</source>
        <translation>“{address}”은(는) 클러스터 주소가 아닙니다. local, HOST:PORT 또는 ray://HOST:PORT 형식을 쓰세요</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="192"/>
        <source>Transcripts go to {folder}</source>
        <translation>녹취록 저장 위치: {folder}</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="203"/>
        <source>Audio and video files ({patterns})</source>
        <translation>오디오 및 동영상 파일 ({patterns})</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="204"/>
        <source>All files (*)</source>
        <translation>모든 파일 (*)</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="205"/>
        <source>Add audio or video files</source>
        <translation>오디오 또는 동영상 파일 추가</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="233"/>
        <source>Transcribed {name}, but it could not be added to the library: {error}</source>
        <translation>{name} 변환은 끝났지만 라이브러리에 추가하지 못했습니다: {error}</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="329"/>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="329"/>
        <source>Stop transcribing this file</source>
        <translation>이 파일의 변환을 중지합니다</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="365"/>
        <source>Open result</source>
        <translation>결과 열기</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="365"/>
        <source>Open the transcript in the editor</source>
        <translation>편집기에서 녹취록을 엽니다</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="367"/>
        <source>Transcribed {name}</source>
        <translation>{name} 변환 완료</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="384"/>
        <source>Could not transcribe {name}</source>
        <translation>{name} 변환 실패</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="393"/>
        <source>Cancelled {name}; nothing was saved</source>
        <translation>{name} 변환 취소됨. 아무것도 저장하지 않았습니다</translation>
    </message>
    <message>
        <location filename="../files_view.py" line="406"/>
        <source>Queue finished: {done} of {total} file(s) transcribed</source>
        <translation>대기열 완료: 파일 {total}개 중 {done}개 변환됨</translation>
    </message>
</context>
<context>
    <name>InputPreview</name>
    <message>
        <location filename="../input_preview.py" line="251"/>
        <source>System audio capture is not available in this version.</source>
        <translation>이 버전에서는 시스템 오디오를 녹음할 수 없습니다.</translation>
    </message>
</context>
<context>
    <name>InputsPanel</name>
    <message>
        <location filename="../input_preview.py" line="304"/>
        <source>No sound from the microphone — is it muted?</source>
        <translation>마이크에서 소리가 들리지 않습니다 — 음소거되어 있나요?</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="304"/>
        <source>M&amp;icrophone:</source>
        <translation>마이크(&amp;I):</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="306"/>
        <source>S&amp;ystem audio:</source>
        <translation>시스템 오디오(&amp;Y):</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="307"/>
        <source>No sound from the system audio — is anything playing?</source>
        <translation>시스템 오디오에서 소리가 들리지 않습니다 — 재생 중인 소리가 있나요?</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="314"/>
        <source>Open the folder</source>
        <translation>폴더 열기</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="316"/>
        <source>Chan&amp;ge…</source>
        <translation>변경(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="317"/>
        <source>Choose another folder for new recordings</source>
        <translation>새 녹음을 저장할 다른 폴더를 선택합니다</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="337"/>
        <source>Record captures the microphone.</source>
        <translation>녹음하면 마이크 소리를 담습니다.</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="338"/>
        <source>Record captures the system audio (what you hear).</source>
        <translation>녹음하면 시스템 오디오(들리는 소리)를 담습니다.</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="339"/>
        <source>Record captures the microphone and the system audio, each on its own track.</source>
        <translation>녹음하면 마이크와 시스템 오디오를 각각 별도의 트랙에 담습니다.</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="340"/>
        <source>Record plays {name} as if it were live.</source>
        <translation>녹음하면 {name} 파일을 실시간처럼 재생합니다.</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="355"/>
        <source>Saved in: {folder}</source>
        <translation>저장 위치: {folder}</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="363"/>
        <source>Model: {model} (chosen in Preferences)</source>
        <translation>모델: {model} (환경설정에서 선택)</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="365"/>
        <source>Model: {model} — chosen automatically for English</source>
        <translation>모델: {model} — 영어에 맞춰 자동 선택</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="367"/>
        <source>Model: {model} — chosen automatically (multilingual) for {language}</source>
        <translation>모델: {model} — {language}에 맞춰 자동 선택 (다국어)</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="369"/>
        <source>Model: {model} — chosen automatically (multilingual; with the language set to English, the faster tiny.en)</source>
        <translation>모델: {model} — 자동 선택 (다국어; 언어를 영어로 설정하면 더 빠른 tiny.en)</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="374"/>
        <source>Language: detected from the speech</source>
        <translation>언어: 음성에서 자동 감지</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="375"/>
        <source>Language: {language}</source>
        <translation>언어: {language}</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="378"/>
        <source>English</source>
        <translation>영어</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="378"/>
        <source>Korean</source>
        <translation>한국어</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="378"/>
        <source>Japanese</source>
        <translation>일본어</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="379"/>
        <source>Chinese</source>
        <translation>중국어</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="379"/>
        <source>German</source>
        <translation>독일어</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="379"/>
        <source>French</source>
        <translation>프랑스어</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="380"/>
        <source>Spanish</source>
        <translation>스페인어</translation>
    </message>
    <message>
        <location filename="../input_preview.py" line="396"/>
        <source>Choose the recordings folder</source>
        <translation>녹음 폴더 선택</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <location filename="../level_meter.py" line="46"/>
        <source>Input level</source>
        <translation>입력 레벨</translation>
    </message>
    <message>
        <location filename="../level_meter.py" line="47"/>
        <source>Input level of the microphone (the thin mark holds the recent peak)</source>
        <translation>마이크 입력 레벨 (가는 표시선은 최근 최고치를 나타냅니다)</translation>
    </message>
</context>
<context>
    <name>LibraryClient</name>
    <message>
        <location filename="../library_worker.py" line="129"/>
        <source>The meeting library could not be read or written: {error}</source>
        <translation>회의 라이브러리를 읽거나 쓸 수 없습니다: {error}</translation>
    </message>
    <message>
        <location filename="../library_worker.py" line="132"/>
        <source>The meeting library could not reach a file: {error}</source>
        <translation>회의 라이브러리가 파일에 접근하지 못했습니다: {error}</translation>
    </message>
</context>
<context>
    <name>LibraryDialogs</name>
    <message>
        <location filename="../library_dialogs.py" line="45"/>
        <source>Rename meeting</source>
        <translation>회의 이름 바꾸기</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="46"/>
        <source>New title for “{title}”:</source>
        <translation>“{title}”의 새 제목:</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="59"/>
        <source>Delete the meeting “{title}” ({date})? Its audio and every transcript file are deleted from the disk, and it is removed from the library. This cannot be undone.</source>
        <translation>회의 “{title}”({date})을(를) 삭제할까요? 오디오와 모든 녹취록 파일이 디스크에서 삭제되고 라이브러리에서도 제거됩니다. 되돌릴 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="62"/>
        <source>Delete meeting</source>
        <translation>회의 삭제</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="66"/>
        <source>Delete files</source>
        <translation>파일 삭제</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="81"/>
        <source>Import a folder of recordings and transcripts</source>
        <translation>녹음과 녹취록이 있는 폴더 가져오기</translation>
    </message>
</context>
<context>
    <name>LibraryView</name>
    <message>
        <location filename="../library_view.py" line="106"/>
        <source>No meetings yet — recordings and transcribed files appear here</source>
        <translation>아직 회의가 없습니다 — 녹음과 변환한 파일이 여기에 나타납니다</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="107"/>
        <source>No meetings match the filter</source>
        <translation>필터에 맞는 회의가 없습니다</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="173"/>
        <source>Renamed the meeting to “{title}”</source>
        <translation>회의 이름을 “{title}”(으)로 바꿨습니다</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="174"/>
        <source>Tags of “{title}”: {tags}</source>
        <translation>“{title}”의 태그: {tags}</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="175"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="176"/>
        <source>Deleted the meeting and {count} file(s)</source>
        <translation>회의와 파일 {count}개를 삭제했습니다</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="177"/>
        <source>Forgot {count} missing meeting(s)</source>
        <translation>없어진 회의 {count}개를 목록에서 지웠습니다</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="178"/>
        <source>Imported: {added} new, {updated} updated meeting(s)</source>
        <translation>가져오기 완료: 새 회의 {added}개, 갱신된 회의 {updated}개</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="182"/>
        <location filename="../library_view.py" line="185"/>
        <source>{count} file(s) could not be added to the library: {first}</source>
        <translation>파일 {count}개를 라이브러리에 추가하지 못했습니다: {first}</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="240"/>
        <source>Searching for “{query}”…</source>
        <translation>“{query}” 검색 중…</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="249"/>
        <source>{count} result(s) for “{query}” — Enter opens the selected one</source>
        <translation>“{query}” 검색 결과 {count}개 — Enter 키로 선택한 결과를 엽니다</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="254"/>
        <source>No results for “{query}”</source>
        <translation>“{query}”에 대한 결과가 없습니다</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="282"/>
        <source>The transcript of this meeting is not on the disk any more.</source>
        <translation>이 회의의 녹취록이 더 이상 디스크에 없습니다.</translation>
    </message>
    <message>
        <location filename="../library_view.py" line="358"/>
        <source>Importing {folder}…</source>
        <translation>{folder} 가져오는 중…</translation>
    </message>
</context>
<context>
    <name>LibraryWidgets</name>
    <message>
        <location filename="../library_widgets.py" line="46"/>
        <source>Search the words of every meeting (Ctrl+F)</source>
        <translation>모든 회의의 내용 검색 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="48"/>
        <source>English words or Korean syllables; &quot;quoted phrases&quot; match exactly</source>
        <translation>영어 단어나 한글 음절로 찾습니다. &quot;따옴표로 묶은 구절&quot;은 정확히 일치하는 것만 찾습니다</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="51"/>
        <source>&amp;Search:</source>
        <translation>검색(&amp;S):</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="54"/>
        <source>Filter the list by title, speaker, tag or date</source>
        <translation>제목, 화자, 태그, 날짜로 목록 거르기</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="58"/>
        <source>&amp;Filter:</source>
        <translation>필터(&amp;F):</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="60"/>
        <source>All speakers</source>
        <translation>모든 화자</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="60"/>
        <source>Only meetings where this person speaks</source>
        <translation>이 사람이 말한 회의만</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="61"/>
        <source>All tags</source>
        <translation>모든 태그</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="61"/>
        <source>Only meetings with this tag</source>
        <translation>이 태그가 붙은 회의만</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="62"/>
        <source>Any time</source>
        <translation>모든 기간</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="62"/>
        <source>Only meetings in this period</source>
        <translation>이 기간의 회의만</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="63"/>
        <source>Last 24 hours</source>
        <translation>최근 24시간</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="63"/>
        <source>Last 7 days</source>
        <translation>최근 7일</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="64"/>
        <source>Last 30 days</source>
        <translation>최근 30일</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="64"/>
        <source>Last 12 months</source>
        <translation>최근 12개월</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="77"/>
        <source>Double-click a meeting to open its transcript; F2 renames it</source>
        <translation>회의를 두 번 클릭하면 녹취록이 열립니다. F2 키로 이름을 바꿉니다</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="164"/>
        <source>&amp;Open</source>
        <translation>열기(&amp;O)</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="164"/>
        <source>Open the transcript in the editor</source>
        <translation>편집기에서 녹취록을 엽니다</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="165"/>
        <source>&amp;Rename…</source>
        <translation>이름 바꾸기(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="165"/>
        <source>Give the meeting another title</source>
        <translation>회의 제목 바꾸기</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="166"/>
        <source>&amp;Tags…</source>
        <translation>태그(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="166"/>
        <source>Tag the meeting to find it later</source>
        <translation>나중에 찾을 수 있도록 회의에 태그 달기</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="167"/>
        <source>Transcribe &amp;again…</source>
        <translation>다시 변환(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="168"/>
        <source>Transcribe the meeting&apos;s audio again with another model or speaker count</source>
        <translation>다른 모델이나 화자 수로 회의 오디오를 다시 변환합니다</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="170"/>
        <source>Show in &amp;folder</source>
        <translation>폴더에서 보기(&amp;F)</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="170"/>
        <source>Open the folder that holds the meeting&apos;s files</source>
        <translation>회의 파일이 있는 폴더를 엽니다</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="172"/>
        <source>&amp;Delete…</source>
        <translation>삭제(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="172"/>
        <source>Delete the meeting&apos;s audio and transcripts</source>
        <translation>회의의 오디오와 녹취록을 삭제합니다</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="174"/>
        <source>&amp;Forget</source>
        <translation>목록에서 지우기(&amp;G)</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="174"/>
        <source>Remove this missing meeting from the library</source>
        <translation>없어진 이 회의를 라이브러리에서 지웁니다</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="176"/>
        <source>&amp;Import folder…</source>
        <translation>폴더 가져오기(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="177"/>
        <source>Add the recordings and transcripts of a folder to the library</source>
        <translation>폴더의 녹음과 녹취록을 라이브러리에 추가합니다</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="179"/>
        <source>Forget &amp;missing</source>
        <translation>없어진 회의 지우기(&amp;M)</translation>
    </message>
    <message>
        <location filename="../library_widgets.py" line="180"/>
        <source>Remove every meeting whose files are gone from the library</source>
        <translation>파일이 없어진 모든 회의를 라이브러리에서 지웁니다</translation>
    </message>
</context>
<context>
    <name>LiveTranscriptModel</name>
    <message>
        <location filename="../live_transcript_model.py" line="58"/>
        <source>Time</source>
        <translation>시간</translation>
    </message>
    <message>
        <location filename="../live_transcript_model.py" line="58"/>
        <source>Speaker</source>
        <translation>화자</translation>
    </message>
    <message>
        <location filename="../live_transcript_model.py" line="58"/>
        <source>Text</source>
        <translation>텍스트</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../app.py" line="182"/>
        <location filename="../main_window.py" line="242"/>
        <source>Meeting Recorder</source>
        <translation>회의 녹음기</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="84"/>
        <source>Record</source>
        <translation>녹음</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="85"/>
        <source>Files</source>
        <translation>파일</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="86"/>
        <source>Transcript</source>
        <translation>녹취록</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="88"/>
        <source>Speakers</source>
        <translation>화자</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="89"/>
        <source>Resources</source>
        <translation>리소스</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="90"/>
        <source>Library</source>
        <translation>라이브러리</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="93"/>
        <source>Switch between views (Ctrl+1 … Ctrl+6)</source>
        <translation>보기 전환 (Ctrl+1 … Ctrl+6)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="110"/>
        <source>● Recording</source>
        <translation>● 녹음 중</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="112"/>
        <source>A recording is running</source>
        <translation>녹음 중입니다</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="119"/>
        <source>Resource warning (see Resources, Ctrl+5)</source>
        <translation>리소스 경고 (리소스 보기 참조, Ctrl+5)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="123"/>
        <source>Ready.</source>
        <translation>준비되었습니다.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="161"/>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="163"/>
        <source>&amp;Open files…</source>
        <translation>파일 열기(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="164"/>
        <source>Transcribe audio or video files</source>
        <translation>오디오 또는 동영상 파일을 텍스트로 변환합니다</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="165"/>
        <source>Open &amp;transcript…</source>
        <translation>녹취록 열기(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="166"/>
        <source>Open a saved transcript in the editor</source>
        <translation>저장된 녹취록을 편집기에서 엽니다</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="167"/>
        <source>&amp;Save transcript</source>
        <translation>녹취록 저장(&amp;S)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="168"/>
        <source>Save the edited transcript</source>
        <translation>편집한 녹취록을 저장합니다</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="169"/>
        <source>&amp;Preferences…</source>
        <translation>환경설정(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="170"/>
        <source>Model, language, device, folders and thresholds</source>
        <translation>모델, 언어, 장치, 폴더 및 경고 기준</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="172"/>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="174"/>
        <source>&amp;Import folder into the library…</source>
        <translation>폴더를 라이브러리로 가져오기(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="175"/>
        <source>Add a folder&apos;s recordings and transcripts to the library</source>
        <translation>폴더의 녹음과 녹취록을 라이브러리에 추가합니다</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="179"/>
        <source>&amp;Export transcript</source>
        <translation>녹취록 내보내기(&amp;E)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="180"/>
        <source>Write the transcript as TXT, SRT, VTT, JSON, Markdown or RTTM</source>
        <translation>녹취록을 TXT, SRT, VTT, JSON, 마크다운 또는 RTTM 형식으로 저장합니다</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="186"/>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="199"/>
        <source>&amp;Speakers</source>
        <translation>화자(&amp;S)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="200"/>
        <source>Enroll from a &amp;file…</source>
        <translation>파일에서 등록(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="201"/>
        <source>Teach the app a person&apos;s voice from a recording of them</source>
        <translation>녹음 파일로 사람의 목소리를 앱에 학습시킵니다</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="203"/>
        <source>Enroll the selected &amp;segment&apos;s speaker…</source>
        <translation>선택한 구간의 화자 등록(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="204"/>
        <source>Name the person speaking in the segment selected in the transcript and learn their voice</source>
        <translation>녹취록에서 선택한 구간의 화자에게 이름을 붙이고 목소리를 학습합니다</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="208"/>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="209"/>
        <source>Meeting Recorder &amp;Help</source>
        <translation>회의 녹음기 도움말(&amp;H)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="210"/>
        <source>&amp;About Meeting Recorder</source>
        <translation>회의 녹음기 정보(&amp;A)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="263"/>
        <source>Recording stopped</source>
        <translation>녹음이 멈췄습니다</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="274"/>
        <source>Recording stopped: the recordings folder is almost out of free space. The recording was saved.</source>
        <translation>녹음 폴더의 여유 공간이 거의 없어 녹음을 중지했습니다. 녹음은 저장되었습니다.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="312"/>
        <source>No transcript is open. Open one first (Ctrl+Shift+O).</source>
        <translation>열린 녹취록이 없습니다. 먼저 녹취록을 여세요 (Ctrl+Shift+O).</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="338"/>
        <source>Select a segment of a transcript whose audio is available first.</source>
        <translation>먼저 오디오가 있는 녹취록에서 구간을 선택하세요.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="382"/>
        <source>The new interface language is used from the next start.</source>
        <translation>새 인터페이스 언어는 다음 실행부터 적용됩니다.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="383"/>
        <source>Preferences saved; they apply to the next recording or file.</source>
        <translation>환경설정을 저장했습니다. 다음 녹음 또는 파일부터 적용됩니다.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="387"/>
        <source>Meeting Recorder Help</source>
        <translation>회의 녹음기 도움말</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="391"/>
        <source>About Meeting Recorder</source>
        <translation>회의 녹음기 정보</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="440"/>
        <source>Stopping the recording…</source>
        <translation>녹음을 중지하는 중…</translation>
    </message>
</context>
<context>
    <name>MarksNotesList</name>
    <message>
        <location filename="../marks_notes.py" line="49"/>
        <source>Marks and notes</source>
        <translation>책갈피와 메모</translation>
    </message>
    <message>
        <location filename="../marks_notes.py" line="54"/>
        <source>Mark</source>
        <translation>책갈피</translation>
    </message>
</context>
<context>
    <name>MarksNotesPanel</name>
    <message>
        <location filename="../marks_notes.py" line="96"/>
        <location filename="../marks_notes.py" line="103"/>
        <source>&amp;Mark</source>
        <translation>책갈피(&amp;M)</translation>
    </message>
    <message>
        <location filename="../marks_notes.py" line="100"/>
        <source>Mark this moment of the recording (Ctrl+M)</source>
        <translation>녹음의 이 순간에 책갈피를 추가합니다 (Ctrl+M)</translation>
    </message>
    <message>
        <location filename="../marks_notes.py" line="107"/>
        <source>A note for this moment of the recording; Enter adds it with the time</source>
        <translation>녹음의 이 순간에 대한 메모입니다. Enter 키를 누르면 시간과 함께 추가됩니다</translation>
    </message>
    <message>
        <location filename="../marks_notes.py" line="109"/>
        <source>&amp;Note:</source>
        <translation>메모(&amp;N):</translation>
    </message>
    <message>
        <location filename="../marks_notes.py" line="131"/>
        <source>Type a note, press Enter</source>
        <translation>메모 입력 후 Enter</translation>
    </message>
    <message>
        <location filename="../marks_notes.py" line="132"/>
        <source>Only while recording</source>
        <translation>녹음 중에만 가능</translation>
    </message>
</context>
<context>
    <name>MeetingsModel</name>
    <message>
        <location filename="../library_model.py" line="46"/>
        <location filename="../library_model.py" line="90"/>
        <source>Missing</source>
        <translation>찾을 수 없음</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="48"/>
        <source>Not transcribed</source>
        <translation>변환 안 됨</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="50"/>
        <source>Transcript missing</source>
        <translation>녹취록 없음</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="52"/>
        <source>No audio</source>
        <translation>오디오 없음</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="53"/>
        <source>Transcribed</source>
        <translation>변환됨</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="129"/>
        <source>Title</source>
        <translation>제목</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="129"/>
        <source>Date</source>
        <translation>날짜</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="129"/>
        <source>Duration</source>
        <translation>길이</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="129"/>
        <source>Speakers</source>
        <translation>화자</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="129"/>
        <source>Tags</source>
        <translation>태그</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="130"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="185"/>
        <source>Its files were moved or deleted outside the app; it can only be forgotten.</source>
        <translation>파일이 앱 밖에서 옮겨지거나 삭제되었습니다. 목록에서 지우는 것만 할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="187"/>
        <source>Audio: {path}</source>
        <translation>오디오: {path}</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="189"/>
        <source>Transcript: {path}</source>
        <translation>녹취록: {path}</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <location filename="../models_dialog.py" line="51"/>
        <source>Models</source>
        <translation>모델</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="56"/>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="56"/>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="56"/>
        <source>Size</source>
        <translation>크기</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="56"/>
        <source>Languages</source>
        <translation>언어</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="57"/>
        <source>Memory (CPU / GPU)</source>
        <translation>메모리 (CPU / GPU)</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="57"/>
        <source>Speed</source>
        <translation>속도</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="62"/>
        <source>&amp;Download…</source>
        <translation>내려받기(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="63"/>
        <source>&amp;Import…</source>
        <translation>가져오기(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="64"/>
        <source>Install a model folder or .zip copied from another machine</source>
        <translation>다른 컴퓨터에서 복사한 모델 폴더나 .zip을 설치합니다</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="65"/>
        <source>&amp;Remove</source>
        <translation>삭제(&amp;R)</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="66"/>
        <source>&amp;Cancel download</source>
        <translation>내려받기 취소(&amp;C)</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="72"/>
        <source>Mirror (optional), e.g. https://hf-mirror.example.org</source>
        <translation>미러 (선택), 예: https://hf-mirror.example.org</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="73"/>
        <source>Download from this Hugging Face mirror instead of huggingface.co; the system proxy is used either way</source>
        <translation>huggingface.co 대신 이 Hugging Face 미러에서 내려받습니다. 어느 쪽이든 시스템 프록시를 사용합니다</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="113"/>
        <source>built in</source>
        <translation>내장</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="113"/>
        <source>downloaded</source>
        <translation>내려받음</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="114"/>
        <source>imported</source>
        <translation>가져옴</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="122"/>
        <source>can be downloaded</source>
        <translation>내려받기 가능</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="124"/>
        <source>many languages</source>
        <translation>다국어</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="124"/>
        <source>English only</source>
        <translation>영어 전용</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="141"/>
        <source>{cost}× tiny&apos;s time</source>
        <translation>tiny의 {cost}배 시간</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="143"/>
        <source>{minutes} min per hour of audio</source>
        <translation>오디오 1시간에 {minutes}분</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="174"/>
        <source>Download a model</source>
        <translation>모델 내려받기</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="177"/>
        <source>Import a model (.zip)</source>
        <translation>모델 가져오기 (.zip)</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="178"/>
        <source>Model archives (*.zip);;All files (*)</source>
        <translation>모델 압축 파일 (*.zip);;모든 파일 (*)</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="189"/>
        <source>Download {name} ({size}) from {endpoint}? Nothing is sent but the request for the files.</source>
        <translation>{endpoint}에서 {name}({size})을(를) 내려받을까요? 파일 요청 외에는 아무것도 보내지 않습니다.</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="196"/>
        <source>Downloading {name}…</source>
        <translation>{name} 내려받는 중…</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="224"/>
        <source>{name} was removed.</source>
        <translation>{name}을(를) 삭제했습니다.</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="241"/>
        <source>Imported as {name}.</source>
        <translation>{name}(으)로 가져왔습니다.</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="259"/>
        <source>, {seconds} s left</source>
        <translation>, {seconds}초 남음</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="261"/>
        <source>{done} of {total}{left}</source>
        <translation>{total} 중 {done}{left}</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="269"/>
        <source>{name} is ready to use.</source>
        <translation>{name}을(를) 사용할 수 있습니다.</translation>
    </message>
    <message>
        <location filename="../models_dialog.py" line="271"/>
        <source>Download of {name} cancelled; it resumes where it stopped next time.</source>
        <translation>{name} 내려받기를 취소했습니다. 다음에 멈춘 곳부터 이어받습니다.</translation>
    </message>
</context>
<context>
    <name>Questions</name>
    <message>
        <location filename="../questions.py" line="20"/>
        <source>Recording in progress</source>
        <translation>녹음 중</translation>
    </message>
    <message>
        <location filename="../questions.py" line="21"/>
        <source>A recording is running. Stop it and quit? The recording is saved.</source>
        <translation>녹음 중입니다. 녹음을 중지하고 끝내시겠습니까? 녹음은 저장됩니다.</translation>
    </message>
    <message>
        <location filename="../questions.py" line="23"/>
        <source>Stop and quit</source>
        <translation>중지 후 끝내기</translation>
    </message>
    <message>
        <location filename="../questions.py" line="33"/>
        <source>Files are being transcribed</source>
        <translation>파일 변환 중</translation>
    </message>
    <message>
        <location filename="../questions.py" line="34"/>
        <source>Files are still being transcribed. Cancel them and quit?</source>
        <translation>아직 파일을 변환하고 있습니다. 변환을 취소하고 끝내시겠습니까?</translation>
    </message>
    <message>
        <location filename="../questions.py" line="43"/>
        <source>The transcript has unsaved changes. Save them before quitting?</source>
        <translation>녹취록에 저장하지 않은 변경 사항이 있습니다. 끝내기 전에 저장하시겠습니까?</translation>
    </message>
    <message>
        <location filename="../questions.py" line="45"/>
        <source>The transcript has unsaved changes. Save them before opening another one?</source>
        <translation>녹취록에 저장하지 않은 변경 사항이 있습니다. 다른 녹취록을 열기 전에 저장하시겠습니까?</translation>
    </message>
    <message>
        <location filename="../questions.py" line="47"/>
        <source>Unsaved changes</source>
        <translation>저장하지 않은 변경 사항</translation>
    </message>
    <message>
        <location filename="../questions.py" line="56"/>
        <source>Enroll speaker</source>
        <translation>화자 등록</translation>
    </message>
    <message>
        <location filename="../questions.py" line="57"/>
        <source>Name of the person speaking in the selected segment:</source>
        <translation>선택한 구간에서 말하는 사람의 이름:</translation>
    </message>
</context>
<context>
    <name>RecordInputs</name>
    <message>
        <location filename="../record_inputs.py" line="59"/>
        <source>Re&amp;fresh</source>
        <translation>새로 고침(&amp;F)</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="60"/>
        <source>Look again for connected input devices</source>
        <translation>연결된 입력 장치를 다시 찾습니다</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="68"/>
        <source>Microphone</source>
        <translation>마이크</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="69"/>
        <source>System audio</source>
        <translation>시스템 오디오</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="70"/>
        <source>Microphone + system audio</source>
        <translation>마이크 + 시스템 오디오</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="71"/>
        <source>Record your microphone, what the computer plays (the other side of a call), or both on two tracks</source>
        <translation>마이크, 컴퓨터에서 재생되는 소리(통화 상대방), 또는 둘 다를 두 트랙으로 녹음합니다</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="73"/>
        <source>Rec&amp;ord from:</source>
        <translation>녹음 대상(&amp;O):</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="76"/>
        <source>The microphone or other input to record from</source>
        <translation>녹음할 마이크 또는 기타 입력 장치</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="77"/>
        <location filename="../record_inputs.py" line="192"/>
        <source>System default</source>
        <translation>시스템 기본값</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="82"/>
        <source>The sound output whose audio is recorded (its monitor)</source>
        <translation>소리를 녹음할 출력 장치(모니터)</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="83"/>
        <location filename="../record_inputs.py" line="154"/>
        <source>Default output</source>
        <translation>기본 출력</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="154"/>
        <source>Default output ({name})</source>
        <translation>기본 출력 ({name})</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="174"/>
        <source>{name} (default)</source>
        <translation>{name} (기본값)</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="185"/>
        <source>{name} (not connected)</source>
        <translation>{name} (연결 안 됨)</translation>
    </message>
    <message>
        <location filename="../record_inputs.py" line="221"/>
        <source>Opening the input…</source>
        <translation>입력 장치를 여는 중…</translation>
    </message>
</context>
<context>
    <name>RecordView</name>
    <message>
        <location filename="../record_view.py" line="115"/>
        <location filename="../record_view.py" line="325"/>
        <location filename="../record_view.py" line="332"/>
        <source>&amp;Record</source>
        <translation>녹음(&amp;R)</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="122"/>
        <source>Time recorded</source>
        <translation>녹음 시간</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="124"/>
        <source>Size of the recording on disk</source>
        <translation>디스크에 저장된 녹음 크기</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="134"/>
        <source>Names and terms in this meeting, separated by commas</source>
        <translation>이 회의의 이름과 용어 (쉼표로 구분)</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="135"/>
        <source>Spelled as written in this recording&apos;s transcript, together with the glossary of Preferences</source>
        <translation>환경설정의 용어집과 함께, 이 녹음의 녹취록에 적힌 그대로 씁니다</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="137"/>
        <source>&amp;Terms:</source>
        <translation>용어(&amp;T):</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="166"/>
        <source>Live transcript</source>
        <translation>실시간 녹취록</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="167"/>
        <source>&amp;Jump to latest</source>
        <translation>최신 항목으로 이동(&amp;J)</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="168"/>
        <source>Scroll to the newest line and follow the transcript again</source>
        <translation>가장 최근 줄로 스크롤하고 다시 녹취록을 따라갑니다</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="234"/>
        <source>You</source>
        <comment>the person at this computer, in a call&apos;s transcript</comment>
        <translation>나</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="317"/>
        <source>Saved {path}</source>
        <translation>{path}에 저장했습니다</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="325"/>
        <location filename="../record_view.py" line="326"/>
        <source>&amp;Stop</source>
        <translation>중지(&amp;S)</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="326"/>
        <source>Stopping…</source>
        <translation>중지하는 중…</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="328"/>
        <source>Stop and save the recording (Space or Ctrl+R)</source>
        <translation>녹음을 중지하고 저장합니다 (Space 또는 Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="329"/>
        <source>Start recording from the chosen input (Space or Ctrl+R)</source>
        <translation>선택한 입력 장치로 녹음을 시작합니다 (Space 또는 Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../record_view.py" line="332"/>
        <source>&amp;Stop recording</source>
        <translation>녹음 중지(&amp;S)</translation>
    </message>
</context>
<context>
    <name>RecorderTray</name>
    <message>
        <location filename="../tray.py" line="75"/>
        <source>Recording in progress</source>
        <translation>녹음 중</translation>
    </message>
    <message>
        <location filename="../tray.py" line="76"/>
        <source>Keep recording in the tray?</source>
        <translation>트레이에서 계속 녹음할까요?</translation>
    </message>
    <message>
        <location filename="../tray.py" line="78"/>
        <source>The window closes and the recording goes on. The tray icon shows it; Stop or Quit there saves it.</source>
        <translation>창은 닫히고 녹음은 계속됩니다. 트레이 아이콘에 녹음 상태가 표시되며, 그곳의 중지 또는 끝내기를 누르면 녹음이 저장됩니다.</translation>
    </message>
    <message>
        <location filename="../tray.py" line="81"/>
        <source>Keep recording</source>
        <translation>계속 녹음</translation>
    </message>
    <message>
        <location filename="../tray.py" line="83"/>
        <source>Stop and quit</source>
        <translation>중지 후 끝내기</translation>
    </message>
    <message>
        <location filename="../tray.py" line="86"/>
        <source>Don&apos;t ask again</source>
        <translation>다시 묻지 않기</translation>
    </message>
    <message>
        <location filename="../tray.py" line="131"/>
        <source>&amp;Show window</source>
        <translation>창 보이기(&amp;S)</translation>
    </message>
    <message>
        <location filename="../tray.py" line="133"/>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../tray.py" line="148"/>
        <source>&amp;Stop recording</source>
        <translation>녹음 중지(&amp;S)</translation>
    </message>
    <message>
        <location filename="../tray.py" line="149"/>
        <source>&amp;Record</source>
        <translation>녹음(&amp;R)</translation>
    </message>
    <message>
        <location filename="../tray.py" line="158"/>
        <source>Meeting Recorder</source>
        <translation>회의 녹음기</translation>
    </message>
    <message>
        <location filename="../tray.py" line="161"/>
        <source>Recording {elapsed}</source>
        <translation>녹음 중 {elapsed}</translation>
    </message>
    <message>
        <location filename="../tray.py" line="163"/>
        <source>Starting the recording…</source>
        <translation>녹음을 시작하는 중…</translation>
    </message>
    <message>
        <location filename="../tray.py" line="165"/>
        <source>Saving the recording…</source>
        <translation>녹음을 저장하는 중…</translation>
    </message>
    <message>
        <location filename="../tray.py" line="188"/>
        <source>Recording saved</source>
        <translation>녹음을 저장했습니다</translation>
    </message>
    <message>
        <location filename="../tray.py" line="200"/>
        <source>{done} transcribed, {failed} failed</source>
        <translation>{done}개 변환됨, {failed}개 실패</translation>
    </message>
    <message>
        <location filename="../tray.py" line="201"/>
        <source>{done} transcribed</source>
        <translation>{done}개 변환됨</translation>
    </message>
    <message>
        <location filename="../tray.py" line="202"/>
        <source>Files finished</source>
        <translation>파일 변환 완료</translation>
    </message>
    <message>
        <location filename="../tray.py" line="251"/>
        <source>Still recording</source>
        <translation>녹음 중입니다</translation>
    </message>
    <message>
        <location filename="../tray.py" line="252"/>
        <source>Click the tray icon to show the window.</source>
        <translation>트레이 아이콘을 누르면 창이 다시 보입니다.</translation>
    </message>
</context>
<context>
    <name>RecoveryDialog</name>
    <message>
        <location filename="../recovery_dialog.py" line="63"/>
        <location filename="../recovery_dialog.py" line="77"/>
        <source>Recovered recordings</source>
        <translation>복구된 녹음</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="67"/>
        <source>These recordings were interrupted (the app or the computer stopped) and have been repaired. Everything up to the last half second before the interruption is kept.</source>
        <translation>이 녹음들은 앱이나 컴퓨터가 멈춰 중단되었으며, 복구되었습니다. 중단되기 전 마지막 0.5초를 제외한 모든 내용이 보존되었습니다.</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="71"/>
        <source>Recording</source>
        <translation>녹음</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="71"/>
        <source>Length</source>
        <translation>길이</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="71"/>
        <source>Transcript</source>
        <translation>녹취록</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="88"/>
        <source>&amp;Open</source>
        <translation>열기(&amp;O)</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="89"/>
        <source>Open the recording&apos;s transcript</source>
        <translation>녹음의 녹취록을 엽니다</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="90"/>
        <source>&amp;Transcribe</source>
        <translation>텍스트 변환(&amp;T)</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="91"/>
        <source>Transcribe the whole recording again (adds it to the file queue)</source>
        <translation>녹음 전체를 다시 텍스트로 변환합니다 (파일 대기열에 추가됨)</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="92"/>
        <source>&amp;Discard…</source>
        <translation>삭제(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="93"/>
        <source>Delete the recording and its transcript files</source>
        <translation>녹음과 해당 녹취록 파일을 삭제합니다</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="118"/>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="152"/>
        <source>Discard recording</source>
        <translation>녹음 삭제</translation>
    </message>
    <message>
        <location filename="../recovery_dialog.py" line="153"/>
        <source>Delete {name} and its transcript files? This cannot be undone.</source>
        <translation>{name} 및 해당 녹취록 파일을 삭제하시겠습니까? 이 작업은 되돌릴 수 없습니다.</translation>
    </message>
</context>
<context>
    <name>ResourceDashboard</name>
    <message>
        <location filename="../dashboard.py" line="276"/>
        <source>Resource warning</source>
        <translation>리소스 경고</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="282"/>
        <source>Memory:</source>
        <translation>메모리:</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="282"/>
        <source>Memory used by Meeting Recorder (resident set size), its model process included</source>
        <translation>Meeting Recorder가 사용하는 메모리(상주 메모리, 모델 프로세스 포함)</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="283"/>
        <source>CPU:</source>
        <translation>CPU:</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="283"/>
        <source>Share of all CPU cores used by Meeting Recorder</source>
        <translation>전체 CPU 코어 중 회의 녹음기가 사용하는 비율</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="284"/>
        <source>GPU memory:</source>
        <translation>GPU 메모리:</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="284"/>
        <source>GPU memory held by the speech and speaker models</source>
        <translation>음성 인식 모델과 화자 모델이 점유한 GPU 메모리</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="285"/>
        <source>Free disk:</source>
        <translation>디스크 여유 공간:</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="285"/>
        <source>Free space where recordings are saved</source>
        <translation>녹음이 저장되는 위치의 여유 공간</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="286"/>
        <source>Recording:</source>
        <translation>녹음:</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="286"/>
        <source>Size of the recording in progress</source>
        <translation>진행 중인 녹음의 크기</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="287"/>
        <source>Temporary files:</source>
        <translation>임시 파일:</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="288"/>
        <source>Unfinished recordings, transcript journals and other temporary files</source>
        <translation>완료되지 않은 녹음, 녹취록 저널 및 기타 임시 파일</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="368"/>
        <source>{total} (models: {models})</source>
        <translation>{total} (모델: {models})</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="370"/>
        <source>{percent} %</source>
        <translation>{percent}%</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="372"/>
        <source>no GPU</source>
        <translation>GPU 없음</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="373"/>
        <source>{free} free in {folder}</source>
        <translation>{folder}에 {free} 남음</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="376"/>
        <source>not recording</source>
        <translation>녹음 안 함</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="383"/>
        <source>Memory use is high: {used} (warning level {limit} MB).</source>
        <translation>메모리 사용량이 높습니다: {used} (경고 기준 {limit} MB).</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="386"/>
        <source>CPU use is high: {percent} % (warning level {limit} %).</source>
        <translation>CPU 사용률이 높습니다: {percent}% (경고 기준 {limit}%).</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="391"/>
        <source>Only {free} free in {folder}: recording stops before the disk fills (stop level {limit} MB).</source>
        <translation>{folder}의 여유 공간이 {free}뿐입니다: 디스크가 가득 차기 전에 녹음이 중지됩니다 (중지 기준 {limit} MB).</translation>
    </message>
    <message>
        <location filename="../dashboard.py" line="394"/>
        <source>Disk space is low: {free} free in {folder} (warning level {limit} MB).</source>
        <translation>디스크 공간이 부족합니다: {folder}에 {free} 남음 (경고 기준 {limit} MB).</translation>
    </message>
</context>
<context>
    <name>RssPlot</name>
    <message>
        <location filename="../rss_plot.py" line="34"/>
        <source>Memory used by Meeting Recorder over the last {minutes} minutes</source>
        <translation>최근 {minutes}분 동안 회의 녹음기가 사용한 메모리</translation>
    </message>
    <message>
        <location filename="../rss_plot.py" line="36"/>
        <source>Memory plot</source>
        <translation>메모리 그래프</translation>
    </message>
    <message>
        <location filename="../rss_plot.py" line="78"/>
        <source>Memory (max {mb} MB)</source>
        <translation>메모리 (최대 {mb} MB)</translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <location filename="../library_model.py" line="306"/>
        <source>This meeting&apos;s files were moved or deleted outside the app</source>
        <translation>이 회의의 파일이 앱 밖에서 옮겨지거나 삭제되었습니다</translation>
    </message>
    <message>
        <location filename="../library_model.py" line="308"/>
        <source>Enter or double-click: open the transcript here and play from {time}</source>
        <translation>Enter 또는 두 번 클릭: 이 위치에서 녹취록을 열고 {time}부터 재생합니다</translation>
    </message>
</context>
<context>
    <name>SegmentModel</name>
    <message>
        <location filename="../transcript_model.py" line="121"/>
        <source>Time</source>
        <translation>시간</translation>
    </message>
    <message>
        <location filename="../transcript_model.py" line="121"/>
        <source>Speaker</source>
        <translation>화자</translation>
    </message>
    <message>
        <location filename="../transcript_model.py" line="121"/>
        <source>Text</source>
        <translation>텍스트</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../settings_dialog.py" line="33"/>
        <source>Preferences</source>
        <translation>환경설정</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="49"/>
        <source>Transcription</source>
        <translation>텍스트 변환</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="52"/>
        <source>Automatic — by language</source>
        <translation>자동 — 언어에 따라</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="53"/>
        <source>tiny.en — fast, English only</source>
        <translation>tiny.en — 빠름, 영어 전용</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="54"/>
        <source>base — multilingual</source>
        <translation>base — 다국어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="56"/>
        <source>The Whisper model: a built-in one or a CTranslate2 model folder</source>
        <translation>Whisper 모델: 기본 제공 모델 또는 CTranslate2 모델 폴더</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="57"/>
        <source>F&amp;older…</source>
        <translation>폴더(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="58"/>
        <source>Use a CTranslate2 Whisper model from a folder</source>
        <translation>폴더에 있는 CTranslate2 Whisper 모델을 사용합니다</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="60"/>
        <source>Ma&amp;nage models…</source>
        <translation>모델 관리(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="61"/>
        <source>Download, import or remove Whisper models</source>
        <translation>Whisper 모델을 내려받거나 가져오거나 삭제합니다</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="63"/>
        <source>&amp;Model:</source>
        <translation>모델(&amp;M):</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="66"/>
        <source>Auto-detect</source>
        <translation>자동 감지</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="66"/>
        <source>English</source>
        <translation>영어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="66"/>
        <source>Korean</source>
        <translation>한국어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="67"/>
        <source>Japanese</source>
        <translation>일본어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="67"/>
        <source>Chinese</source>
        <translation>중국어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="67"/>
        <source>German</source>
        <translation>독일어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="68"/>
        <source>French</source>
        <translation>프랑스어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="68"/>
        <source>Spanish</source>
        <translation>스페인어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="71"/>
        <source>The language spoken in recordings and files</source>
        <translation>녹음과 파일에서 사용되는 언어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="73"/>
        <source>&amp;Language:</source>
        <translation>언어(&amp;L):</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="75"/>
        <source>One name or term a line, e.g.
Kubernetes
김민준</source>
        <translation>한 줄에 이름이나 용어 하나씩, 예:
Kubernetes
김민준</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="76"/>
        <source>Names and terms Whisper should spell as written, in every recording and file (most important first)</source>
        <translation>Whisper가 적힌 그대로 쓸 이름과 용어입니다. 모든 녹음과 파일에 쓰입니다 (중요한 것부터)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="79"/>
        <source>Glossar&amp;y:</source>
        <translation>용어집(&amp;Y):</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="87"/>
        <source>Automatic (GPU when available)</source>
        <translation>자동 (가능하면 GPU)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="88"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="89"/>
        <source>GPU (CUDA)</source>
        <translation>GPU (CUDA)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="90"/>
        <source>Where the speech model runs</source>
        <translation>음성 인식 모델을 실행할 장치</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="91"/>
        <source>&amp;Device:</source>
        <translation>장치(&amp;D):</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="93"/>
        <source>Label &amp;speakers</source>
        <translation>화자 구분(&amp;S)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="122"/>
        <source>M&amp;emory above:</source>
        <translation>메모리 사용량 초과(&amp;E):</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="124"/>
        <source>Free d&amp;isk below:</source>
        <translation>디스크 여유 공간 미만(&amp;I):</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="125"/>
        <source>S&amp;top recording below:</source>
        <translation>녹음 중지 기준(&amp;T):</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="136"/>
        <source>Interface lan&amp;guage:</source>
        <translation>인터페이스 언어(&amp;G):</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="94"/>
        <source>Tell speakers apart (slower); off leaves segments unlabelled</source>
        <translation>화자를 구분합니다 (더 느림). 끄면 구간에 화자가 표시되지 않습니다</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="95"/>
        <source>&amp;Keep models loaded between jobs</source>
        <translation>작업 사이에 모델을 메모리에 유지(&amp;K)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="96"/>
        <source>Faster next start, but the memory stays in use</source>
        <translation>다음 작업이 더 빨리 시작되지만 메모리를 계속 사용합니다</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="102"/>
        <source>Recording</source>
        <translation>녹음</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="105"/>
        <source>New recordings are saved in this folder</source>
        <translation>새 녹음은 이 폴더에 저장됩니다</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="106"/>
        <source>&amp;Browse…</source>
        <translation>찾아보기(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="107"/>
        <location filename="../settings_dialog.py" line="273"/>
        <source>Choose the recordings folder</source>
        <translation>녹음 폴더 선택</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="109"/>
        <source>Recordings &amp;folder:</source>
        <translation>녹음 폴더(&amp;F):</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="113"/>
        <source>Resource warnings (0 = off)</source>
        <translation>리소스 경고 (0 = 끔)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="115"/>
        <location filename="../settings_dialog.py" line="118"/>
        <location filename="../settings_dialog.py" line="120"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="116"/>
        <source>Warn when the app uses more memory than this</source>
        <translation>앱의 메모리 사용량이 이 값을 넘으면 경고합니다</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="117"/>
        <source> %</source>
        <translation>%</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="117"/>
        <source>Warn when the app&apos;s CPU use stays above this</source>
        <translation>앱의 CPU 사용률이 계속 이 값보다 높으면 경고합니다</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="119"/>
        <source>Warn when the recordings folder has less free space than this</source>
        <translation>녹음 폴더의 여유 공간이 이 값보다 적으면 경고합니다</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="121"/>
        <source>Stop a recording safely when free space falls below this</source>
        <translation>여유 공간이 이 값 아래로 떨어지면 녹음을 안전하게 중지합니다</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="123"/>
        <source>C&amp;PU above:</source>
        <translation>CPU 사용률 초과(&amp;P):</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="129"/>
        <source>Interface</source>
        <translation>인터페이스</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="132"/>
        <source>System language</source>
        <translation>시스템 언어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="135"/>
        <source>The language of menus and buttons</source>
        <translation>메뉴와 버튼에 표시되는 언어</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="137"/>
        <source>A new interface language takes effect when the app is restarted.</source>
        <translation>새 인터페이스 언어는 앱을 다시 시작하면 적용됩니다.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="146"/>
        <source>off</source>
        <translation>끔</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="222"/>
        <source>In use: {model} (your choice).</source>
        <translation>사용 중: {model} (사용자 선택).</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="224"/>
        <source>Each file&apos;s language is identified first: English gets tiny.en, other languages the multilingual base. Live recordings use base.</source>
        <translation>각 파일의 언어를 먼저 판별합니다: 영어는 tiny.en, 다른 언어는 다국어 base를 사용합니다. 실시간 녹음은 base를 사용합니다.</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="227"/>
        <source>In use: tiny.en, the fast English model.</source>
        <translation>사용 중: tiny.en (빠른 영어 전용 모델).</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="229"/>
        <source>In use: base, the multilingual model ({language} is not English).</source>
        <translation>사용 중: base, 다국어 모델 ({language}은(는) 영어가 아님).</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="249"/>
        <source>{name} — {source}</source>
        <translation>{name} — {source}</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="250"/>
        <source>downloaded</source>
        <translation>내려받음</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="250"/>
        <source>imported</source>
        <translation>가져옴</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="266"/>
        <source>Choose a Whisper model folder</source>
        <translation>Whisper 모델 폴더 선택</translation>
    </message>
</context>
<context>
    <name>SourceMeter</name>
    <message>
        <location filename="../level_meter.py" line="113"/>
        <source>Sound level of this input (the thin mark holds the recent peak)</source>
        <translation>이 입력의 소리 크기 (가는 표시는 최근 최고치)</translation>
    </message>
</context>
<context>
    <name>SpeakersView</name>
    <message>
        <location filename="../speakers_view.py" line="119"/>
        <source>Enrolled speakers are named in transcripts when their voice matches. A sample needs at least 2 s of speech; 10–60 s is better.</source>
        <translation>등록된 화자는 목소리가 일치하면 녹취록에 이름이 표시됩니다. 샘플에는 최소 2초의 음성이 필요하며, 10–60초를 권장합니다.</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="123"/>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="123"/>
        <source>Speech</source>
        <translation>음성 길이</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="129"/>
        <source>Enrolled speakers and the seconds of speech behind each voice print</source>
        <translation>등록된 화자와 각 음성 프로필에 사용된 음성 길이(초)</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="130"/>
        <source>Enrolled speakers</source>
        <translation>등록된 화자</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="133"/>
        <source>&amp;Enroll from file…</source>
        <translation>파일에서 등록(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="134"/>
        <source>Enroll a speaker from a recording of their voice</source>
        <translation>목소리 녹음으로 화자를 등록합니다</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="136"/>
        <source>&amp;Rename…</source>
        <translation>이름 바꾸기(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="136"/>
        <source>Rename the selected speaker (F2)</source>
        <translation>선택한 화자의 이름을 바꿉니다 (F2)</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="138"/>
        <source>&amp;Merge into…</source>
        <translation>다른 화자에 병합(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="139"/>
        <source>Fold the selected speaker&apos;s voice into another speaker</source>
        <translation>선택한 화자의 목소리를 다른 화자에 합칩니다</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="141"/>
        <source>&amp;Delete</source>
        <translation>삭제(&amp;D)</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="141"/>
        <source>Delete the selected speaker (Del)</source>
        <translation>선택한 화자를 삭제합니다 (Del)</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="154"/>
        <source>Speaker error</source>
        <translation>화자 오류</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="187"/>
        <source>The speaker profiles cannot be read: {detail}</source>
        <translation>화자 프로필을 읽을 수 없습니다: {detail}</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="190"/>
        <source>{seconds} s</source>
        <translation>{seconds}초</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="231"/>
        <source>Enter a name for the speaker.</source>
        <translation>화자 이름을 입력하세요.</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="235"/>
        <source>Choose an audio or video file in which {name} speaks.</source>
        <translation>{name}의 목소리가 담긴 오디오 또는 동영상 파일을 선택하세요.</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="250"/>
        <source>Enrolling {name} from {file}…</source>
        <translation>{file}에서 {name} 등록 중…</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="262"/>
        <source>Enrolled {name} ({seconds} s of speech).</source>
        <translation>{name} 등록 완료 (음성 {seconds}초).</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="277"/>
        <source>No speech found in {file}: it is silent or holds only noise. Choose a recording in which {name} speaks.</source>
        <translation>{file}에서 음성을 찾지 못했습니다: 무음이거나 잡음만 있습니다. {name}의 목소리가 담긴 녹음을 선택하세요.</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="280"/>
        <source>Only {seconds} s of speech in {file}; at least 2 s is needed (10 s or more is better).</source>
        <translation>{file}의 음성이 {seconds}초뿐입니다. 최소 2초가 필요합니다 (10초 이상 권장).</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="284"/>
        <source>Cannot read {file} as audio: {detail}</source>
        <translation>{file}을(를) 오디오로 읽을 수 없습니다: {detail}</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="286"/>
        <source>The speaker model could not be loaded: {detail}</source>
        <translation>화자 모델을 불러오지 못했습니다: {detail}</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="287"/>
        <source>Could not enroll {name}: {detail}</source>
        <translation>{name}을(를) 등록하지 못했습니다: {detail}</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="297"/>
        <source>Enrolling {names}…</source>
        <translation>{names} 등록 중…</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="323"/>
        <source>A speaker name cannot be empty.</source>
        <translation>화자 이름은 비워 둘 수 없습니다.</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="331"/>
        <source>A speaker named {name} is already enrolled.</source>
        <translation>이름이 {name}인 화자가 이미 등록되어 있습니다.</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="334"/>
        <source>Renamed {old} to {new}.</source>
        <translation>{old}의 이름을 {new}(으)로 바꿨습니다.</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="338"/>
        <source>Merged {source} into {into}.</source>
        <translation>{source}을(를) {into}에 병합했습니다.</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="342"/>
        <source>Deleted {name}.</source>
        <translation>{name}을(를) 삭제했습니다.</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="367"/>
        <source>Rename speaker</source>
        <translation>화자 이름 바꾸기</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="368"/>
        <source>New name for {name}:</source>
        <translation>{name}의 새 이름:</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="372"/>
        <source>Merge speaker</source>
        <translation>화자 병합</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="373"/>
        <source>Merge the voice of {name} into:</source>
        <translation>{name}의 목소리를 병합할 대상:</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="378"/>
        <source>Delete speaker</source>
        <translation>화자 삭제</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="379"/>
        <source>Delete {name}? Transcripts will no longer name this voice.</source>
        <translation>{name}을(를) 삭제하시겠습니까? 이 목소리는 더 이상 녹취록에 이름으로 표시되지 않습니다.</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="384"/>
        <source>Replace speaker</source>
        <translation>화자 교체</translation>
    </message>
    <message>
        <location filename="../speakers_view.py" line="385"/>
        <source>{name} is already enrolled. Replace the voice print?</source>
        <translation>{name}은(는) 이미 등록되어 있습니다. 음성 프로필을 교체하시겠습니까?</translation>
    </message>
</context>
<context>
    <name>TagsDialog</name>
    <message>
        <location filename="../library_dialogs.py" line="89"/>
        <source>Tags of “{title}”</source>
        <translation>“{title}”의 태그</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="91"/>
        <source>e.g. design, release, weekly</source>
        <translation>예: 디자인, 출시, 주간</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="92"/>
        <source>Separate tags with commas</source>
        <translation>태그는 쉼표로 구분합니다</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="96"/>
        <source>Known tags: {tags}</source>
        <translation>사용 중인 태그: {tags}</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="103"/>
        <source>&amp;Tags:</source>
        <translation>태그(&amp;T):</translation>
    </message>
</context>
<context>
    <name>TranscribeAgainDialog</name>
    <message>
        <location filename="../library_dialogs.py" line="117"/>
        <source>Transcribe “{title}” again</source>
        <translation>“{title}” 다시 변환</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="119"/>
        <source>Automatic — by language</source>
        <translation>자동 — 언어에 따라</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="126"/>
        <source>The Whisper model to transcribe with (it was {model})</source>
        <translation>변환에 쓸 Whisper 모델 (이전: {model})</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="129"/>
        <source>Automatic</source>
        <translation>자동</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="130"/>
        <source>Off — no speakers</source>
        <translation>끄기 — 화자 구분 없음</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="132"/>
        <source>1 speaker</source>
        <translation>화자 1명</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="132"/>
        <source>{count} speakers</source>
        <translation>화자 {count}명</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="136"/>
        <source>How many people speak in the meeting, if you know</source>
        <translation>회의에서 말하는 사람 수를 알면 고르세요</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="137"/>
        <source>The new transcript replaces the current one; the title, tags, marks and notes stay.</source>
        <translation>새 녹취록이 지금 녹취록을 대신합니다. 제목, 태그, 책갈피, 메모는 그대로 남습니다.</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="141"/>
        <source>&amp;Transcribe</source>
        <translation>변환(&amp;T)</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="145"/>
        <source>&amp;Model:</source>
        <translation>모델(&amp;M):</translation>
    </message>
    <message>
        <location filename="../library_dialogs.py" line="146"/>
        <source>&amp;Speakers:</source>
        <translation>화자(&amp;S):</translation>
    </message>
</context>
<context>
    <name>TranscriptEditor</name>
    <message>
        <location filename="../transcript_editor.py" line="52"/>
        <source>Plain text</source>
        <translation>일반 텍스트</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="53"/>
        <source>SubRip subtitles</source>
        <translation>SubRip 자막</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="54"/>
        <source>WebVTT subtitles</source>
        <translation>WebVTT 자막</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="55"/>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="56"/>
        <source>Markdown</source>
        <translation>마크다운</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="57"/>
        <source>RTTM speaker turns</source>
        <translation>RTTM 화자 구간</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="83"/>
        <location filename="../transcript_editor.py" line="179"/>
        <source>No transcript open</source>
        <translation>열린 녹취록 없음</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="85"/>
        <source>&amp;Open…</source>
        <translation>열기(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="85"/>
        <source>Open a transcript (JSON)</source>
        <translation>녹취록 열기 (JSON)</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="86"/>
        <source>&amp;Save</source>
        <translation>저장(&amp;S)</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="86"/>
        <source>Save your changes to the transcript&apos;s JSON file</source>
        <translation>변경 사항을 녹취록의 JSON 파일에 저장합니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="89"/>
        <source>&amp;Export</source>
        <translation>내보내기(&amp;E)</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="90"/>
        <source>Export the transcript as TXT, SRT, VTT, JSON, Markdown or RTTM</source>
        <translation>녹취록을 TXT, SRT, VTT, JSON, 마크다운 또는 RTTM 형식으로 내보냅니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="94"/>
        <source>{name} (.{fmt})…</source>
        <translation>{name} (.{fmt})…</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="98"/>
        <location filename="../transcript_editor.py" line="389"/>
        <source>&amp;Play</source>
        <translation>재생(&amp;P)</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="98"/>
        <source>Play or pause the audio</source>
        <translation>오디오를 재생하거나 일시 정지합니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="113"/>
        <source>Click a segment to play it; double-click or F2 edits its text</source>
        <translation>구간을 클릭하면 재생하고, 두 번 클릭하거나 F2를 누르면 텍스트를 편집합니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="116"/>
        <source>Se&amp;gments:</source>
        <translation>구간(&amp;G):</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="120"/>
        <source>Double-click or press F2 on a speaker to rename all their segments</source>
        <translation>화자를 두 번 클릭하거나 F2를 누르면 해당 화자의 모든 구간에서 이름을 바꿉니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="124"/>
        <source>Spea&amp;kers:</source>
        <translation>화자(&amp;K):</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="127"/>
        <source>&amp;Rename speaker…</source>
        <translation>화자 이름 바꾸기(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="127"/>
        <source>Rename the selected speaker everywhere</source>
        <translation>선택한 화자의 이름을 모든 곳에서 바꿉니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="129"/>
        <source>Marks and notes taken while recording; click one to go to its moment</source>
        <translation>녹음 중에 남긴 책갈피와 메모입니다. 클릭하면 그 순간으로 이동합니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="131"/>
        <source>&amp;Marks &amp;&amp; notes:</source>
        <translation>책갈피와 메모(&amp;M):</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="176"/>
        <source>Audio playback needs QtMultimedia (PySide6-Addons)</source>
        <translation>오디오를 재생하려면 QtMultimedia(PySide6-Addons)가 필요합니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="178"/>
        <source>The audio of this transcript was not found</source>
        <translation>이 녹취록의 오디오를 찾을 수 없습니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="210"/>
        <source>Could not open {path}: {error}</source>
        <translation>{path}을(를) 열지 못했습니다: {error}</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="220"/>
        <source>Opened {path}</source>
        <translation>{path}을(를) 열었습니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="253"/>
        <source>Transcripts (*.json *.transcript.jsonl)</source>
        <translation>녹취록 (*.json *.transcript.jsonl)</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="253"/>
        <source>All files (*)</source>
        <translation>모든 파일 (*)</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="254"/>
        <source>Open transcript</source>
        <translation>녹취록 열기</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="258"/>
        <source>Unsaved changes</source>
        <translation>저장하지 않은 변경 사항</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="259"/>
        <source>The transcript has unsaved changes. Discard them?</source>
        <translation>녹취록에 저장하지 않은 변경 사항이 있습니다. 변경 사항을 버리시겠습니까?</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="286"/>
        <source>Could not save {path}: {error}</source>
        <translation>{path}에 저장하지 못했습니다: {error}</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="289"/>
        <source>Saved {path}</source>
        <translation>{path}에 저장했습니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="302"/>
        <source>{name} (*.{fmt})</source>
        <translation>{name} (*.{fmt})</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="303"/>
        <source>Export transcript</source>
        <translation>녹취록 내보내기</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="316"/>
        <location filename="../transcript_editor.py" line="339"/>
        <source>Renamed {old} to {new}</source>
        <translation>{old}의 이름을 {new}(으)로 바꿨습니다</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="331"/>
        <source>Rename speaker</source>
        <translation>화자 이름 바꾸기</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="332"/>
        <source>New name for {name}:</source>
        <translation>{name}의 새 이름:</translation>
    </message>
    <message>
        <location filename="../transcript_editor.py" line="389"/>
        <source>&amp;Pause</source>
        <translation>일시 정지(&amp;P)</translation>
    </message>
</context>
</TS>
