package runtime

// answerQueue is MemoryAnswers' FIFO of entries, numbered by sequence, in
// blocks of answerBlockLen. One slice grown by append copied and zeroed the
// whole queue each time it doubled, and that was a tenth of a tencent
// webhook's time while a store filled; blocks are never copied, and the
// block the front empties is the next one the back fills.
type answerQueue struct {
	blocks []*answerBlock
	first  uint64 // the sequence number of blocks[0][0]
	head   int    // the oldest entry's offset from first
	n      int    // entries queued
	spare  *answerBlock
}

// answerBlockLen entries of about 90 bytes: a 22 KiB block.
const answerBlockLen = 256

type answerBlock [answerBlockLen]answer

// len is the number of entries queued.
func (q *answerQueue) len() int { return q.n }

// holds reports whether seq is queued.
func (q *answerQueue) holds(seq uint64) bool {
	return seq >= q.first+uint64(q.head) && seq < q.first+uint64(q.head+q.n)
}

// at is the entry numbered seq; it must be queued.
func (q *answerQueue) at(seq uint64) *answer {
	off := seq - q.first
	return &q.blocks[off/answerBlockLen][off%answerBlockLen]
}

// oldest is the front entry and its number; nil when the queue is empty.
func (q *answerQueue) oldest() (*answer, uint64) {
	if q.n == 0 {
		return nil, 0
	}
	seq := q.first + uint64(q.head)
	return q.at(seq), seq
}

// push appends e and returns its number.
func (q *answerQueue) push(e answer) uint64 {
	off := q.head + q.n
	if off == len(q.blocks)*answerBlockLen {
		b := q.spare
		if b == nil {
			b = new(answerBlock)
		}
		q.spare = nil
		q.blocks = append(q.blocks, b)
	}
	q.blocks[off/answerBlockLen][off%answerBlockLen] = e
	q.n++
	return q.first + uint64(off)
}

// pop drops the front entry, zeroing it so nothing it held stays
// reachable; a block emptied is kept for reuse.
func (q *answerQueue) pop() {
	q.blocks[0][q.head] = answer{}
	q.head++
	q.n--
	if q.head == answerBlockLen {
		q.spare = q.blocks[0]
		q.blocks[0] = nil
		q.blocks = q.blocks[1:]
		q.first += answerBlockLen
		q.head = 0
	}
}
